CREATE TABLE "inspection"."case_findings" (
	"case_id" text NOT NULL,
	"finding_id" text NOT NULL,
	"cycle" integer NOT NULL,
	"attached_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_findings_case_id_finding_id_pk" PRIMARY KEY("case_id","finding_id")
);
--> statement-breakpoint
CREATE TABLE "inspection"."case_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"step_key" text,
	"note" text,
	"detail" jsonb,
	CONSTRAINT "case_history_step_key_unique" UNIQUE("step_key")
);
--> statement-breakpoint
CREATE TABLE "inspection"."cases" (
	"case_id" text PRIMARY KEY NOT NULL,
	"case_key" text NOT NULL,
	"project_id" text NOT NULL,
	"employer_kind" text NOT NULL,
	"employer_code" text NOT NULL,
	"employer_name" text NOT NULL,
	"district" text NOT NULL,
	"sector" text NOT NULL,
	"co_regulator" text,
	"police_liaison" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"level" text DEFAULT 'none' NOT NULL,
	"cycle" integer DEFAULT 1 NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"reopened_at" timestamp with time zone,
	"deadline" date,
	"paused_until" date,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "cases_case_key_unique" UNIQUE("case_key")
);
--> statement-breakpoint
CREATE TABLE "inspection"."dirty_cases" (
	"case_key" text PRIMARY KEY NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."evaluation_clock" (
	"id" integer PRIMARY KEY NOT NULL,
	"as_of" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."justifications" (
	"justification_id" uuid PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"cycle" integer NOT NULL,
	"text" text NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"decision" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	"paused_until" date
);
--> statement-breakpoint
CREATE TABLE "inspection"."risk_grades" (
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"grade" text NOT NULL,
	"score" integer NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"inputs" jsonb NOT NULL,
	"districts" text[] NOT NULL,
	"project_ids" text[] NOT NULL,
	CONSTRAINT "risk_grades_subject_kind_subject_id_pk" PRIMARY KEY("subject_kind","subject_id")
);
--> statement-breakpoint
CREATE TABLE "inspection"."task_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "inspection"."tasks" (
	"task_id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"project_id" text NOT NULL,
	"district" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"assignee" text,
	"due_on" date NOT NULL,
	"step_key" text,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "tasks_step_key_unique" UNIQUE("step_key")
);
--> statement-breakpoint
CREATE INDEX "inspection_case_findings_finding_idx" ON "inspection"."case_findings" USING btree ("finding_id");--> statement-breakpoint
CREATE INDEX "inspection_case_history_case_idx" ON "inspection"."case_history" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "inspection_cases_district_idx" ON "inspection"."cases" USING btree ("district","status");--> statement-breakpoint
CREATE INDEX "inspection_cases_project_idx" ON "inspection"."cases" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "inspection_cases_employer_idx" ON "inspection"."cases" USING btree ("employer_code");--> statement-breakpoint
CREATE INDEX "inspection_justifications_case_idx" ON "inspection"."justifications" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "inspection_task_events_task_idx" ON "inspection"."task_events" USING btree ("task_id","id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_case_idx" ON "inspection"."tasks" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_district_idx" ON "inspection"."tasks" USING btree ("district","status");--> statement-breakpoint
CREATE INDEX "inspection_tasks_assignee_idx" ON "inspection"."tasks" USING btree ("assignee","status");--> statement-breakpoint
CREATE INDEX "inspection_findings_responsible_idx" ON "inspection"."findings" USING btree (("snapshot"->'responsible'->>'code'));