CREATE SCHEMA "deposits";
--> statement-breakpoint
CREATE TABLE "deposits"."contractor_findings" (
	"finding_id" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"contractor_code" text NOT NULL,
	"project_id" text NOT NULL,
	"rule" text NOT NULL,
	"police_referral" boolean NOT NULL,
	CONSTRAINT "contractor_findings_finding_id_raised_at_pk" PRIMARY KEY("finding_id","raised_at")
);
--> statement-breakpoint
CREATE TABLE "deposits"."contractors" (
	"contractor_code" text PRIMARY KEY NOT NULL,
	"first_seen" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text,
	"reason" text NOT NULL,
	"payload" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."deposit_events" (
	"bank_code" text NOT NULL,
	"bank_ref" text NOT NULL,
	"project_id" text NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"record" jsonb NOT NULL,
	"event_id" uuid NOT NULL,
	CONSTRAINT "deposit_events_bank_code_bank_ref_pk" PRIMARY KEY("bank_code","bank_ref")
);
--> statement-breakpoint
CREATE TABLE "deposits"."dirty_projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."evaluation_clock" (
	"id" integer PRIMARY KEY NOT NULL,
	"as_of" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."findings" (
	"finding_id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"key" text NOT NULL,
	"rule" text NOT NULL,
	"status" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"record" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deposits_findings_key_uq" UNIQUE("project_id","key")
);
--> statement-breakpoint
CREATE TABLE "deposits"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deposits"."outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"envelope" jsonb NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "deposits"."projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"contractor_code" text NOT NULL,
	"contractor_name" text NOT NULL,
	"contract_value_fen" bigint NOT NULL,
	"permit_date" date NOT NULL,
	"planned_end_date" date NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"last_required_fen" bigint,
	"required_since" timestamp with time zone,
	"event_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE INDEX "deposits_contractor_findings_code_idx" ON "deposits"."contractor_findings" USING btree ("contractor_code");--> statement-breakpoint
CREATE INDEX "deposits_events_project_idx" ON "deposits"."deposit_events" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "deposits_findings_status_idx" ON "deposits"."findings" USING btree ("status","rule");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "deposits"."outbox" USING btree ("seq") WHERE published_at IS NULL;--> statement-breakpoint
CREATE INDEX "deposits_projects_contractor_idx" ON "deposits"."projects" USING btree ("contractor_code");