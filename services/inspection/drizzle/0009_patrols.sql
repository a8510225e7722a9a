CREATE TABLE "inspection"."deposit_draws" (
	"bank_ref" text NOT NULL,
	"bank_code" text NOT NULL,
	"project_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "deposit_draws_bank_code_bank_ref_pk" PRIMARY KEY("bank_code","bank_ref")
);
--> statement-breakpoint
CREATE TABLE "inspection"."patrols" (
	"patrol_id" text PRIMARY KEY NOT NULL,
	"patrol_key" text NOT NULL,
	"quarter" text NOT NULL,
	"district" text NOT NULL,
	"employer_code" text NOT NULL,
	"employer_name" text NOT NULL,
	"projects" jsonb NOT NULL,
	"workers" integer NOT NULL,
	"risk_grade" text,
	"slot" integer NOT NULL,
	"visits" integer NOT NULL,
	"assignee" text,
	"due_on" date NOT NULL,
	"warnings" jsonb NOT NULL,
	"status" text NOT NULL,
	"planned_at" timestamp with time zone NOT NULL,
	"visited_at" timestamp with time zone,
	"visited_by" text,
	"visit" jsonb,
	"finding_id" text,
	CONSTRAINT "patrols_patrol_key_unique" UNIQUE("patrol_key")
);
--> statement-breakpoint
CREATE TABLE "inspection"."registered_workers" (
	"project_id" text NOT NULL,
	"worker_key" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"left_on" date,
	CONSTRAINT "registered_workers_project_id_worker_key_pk" PRIMARY KEY("project_id","worker_key")
);
--> statement-breakpoint
CREATE INDEX "inspection_deposit_draws_at_idx" ON "inspection"."deposit_draws" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "inspection_patrols_district_idx" ON "inspection"."patrols" USING btree ("district","quarter");--> statement-breakpoint
CREATE INDEX "inspection_patrols_assignee_idx" ON "inspection"."patrols" USING btree ("assignee","status");