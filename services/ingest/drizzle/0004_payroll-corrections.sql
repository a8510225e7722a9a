CREATE TABLE "ingest"."payroll_corrections" (
	"correction_id" uuid PRIMARY KEY NOT NULL,
	"sheet_id" uuid NOT NULL,
	"project_id" text NOT NULL,
	"period" text NOT NULL,
	"version" integer NOT NULL,
	"base_version" integer NOT NULL,
	"due_date" date NOT NULL,
	"reason" text NOT NULL,
	"changes" jsonb NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_role" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_role" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"superseded_by_version" integer,
	CONSTRAINT "payroll_corrections_sheet_id_unique" UNIQUE("sheet_id")
);
--> statement-breakpoint
ALTER TABLE "ingest"."payroll_sheets" ADD COLUMN "submitted_role" text;--> statement-breakpoint
ALTER TABLE "ingest"."payroll_sheets" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "ingest"."payroll_sheets" ADD COLUMN "took_effect_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "payroll_corrections_project_period_idx" ON "ingest"."payroll_corrections" USING btree ("project_id","period");--> statement-breakpoint
CREATE INDEX "payroll_corrections_status_idx" ON "ingest"."payroll_corrections" USING btree ("status");--> statement-breakpoint
-- Every sheet accepted before corrections existed took effect when it was submitted.
UPDATE "ingest"."payroll_sheets" SET "took_effect_at" = "submitted_at" WHERE "took_effect_at" IS NULL;--> statement-breakpoint
UPDATE "ingest"."payroll_sheets" s SET "submitted_role" = k."role" FROM "ingest"."api_key_issuance" k WHERE s."submitted_role" IS NULL AND k."key_id"::text = s."submitted_by";--> statement-breakpoint
UPDATE "ingest"."payroll_sheets" SET "submitted_role" = 'admin' WHERE "submitted_role" IS NULL AND "submitted_by" = 'bootstrap';
