CREATE SCHEMA "ingest";
--> statement-breakpoint
CREATE TABLE "ingest"."api_key_issuance" (
	"key_id" uuid PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"scope" jsonb NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"revoked" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest"."bank_statements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bank_code" text NOT NULL,
	"account_no" text NOT NULL,
	"statement_date" date NOT NULL,
	"fingerprint" text NOT NULL,
	"record" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest"."bank_transfers" (
	"bank_code" text NOT NULL,
	"bank_ref" text NOT NULL,
	"project_id" text NOT NULL,
	"account_no" text NOT NULL,
	"record" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bank_transfers_bank_code_bank_ref_pk" PRIMARY KEY("bank_code","bank_ref")
);
--> statement-breakpoint
CREATE TABLE "ingest"."cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text,
	"reason" text NOT NULL,
	"payload" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest"."outbox" (
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
CREATE TABLE "ingest"."payroll_lines" (
	"sheet_id" uuid NOT NULL,
	"source_row" integer NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"days_worked" numeric,
	"amount_due_fen" bigint NOT NULL,
	"gross_fen" bigint,
	"signed" boolean NOT NULL,
	CONSTRAINT "payroll_lines_sheet_id_source_row_pk" PRIMARY KEY("sheet_id","source_row")
);
--> statement-breakpoint
CREATE TABLE "ingest"."payroll_sheets" (
	"sheet_id" uuid PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"period" text NOT NULL,
	"version" integer NOT NULL,
	"source" text NOT NULL,
	"filename" text,
	"line_count" integer NOT NULL,
	"rejected_count" integer NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payroll_sheets_version_uq" UNIQUE("project_id","period","version")
);
--> statement-breakpoint
CREATE TABLE "ingest"."projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"district" text NOT NULL,
	"sector" text NOT NULL,
	"bank_code" text NOT NULL,
	"account_no" text NOT NULL,
	"start_date" date NOT NULL,
	"registration" jsonb NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "projects_account_no_unique" UNIQUE("account_no")
);
--> statement-breakpoint
CREATE TABLE "ingest"."workers" (
	"project_id" text NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"account_no" text NOT NULL,
	"record" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "workers_project_id_id_number_pk" PRIMARY KEY("project_id","id_number")
);
--> statement-breakpoint
CREATE INDEX "bank_statements_account_date_idx" ON "ingest"."bank_statements" USING btree ("account_no","statement_date");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "ingest"."outbox" USING btree ("seq") WHERE published_at IS NULL;