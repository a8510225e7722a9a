CREATE SCHEMA "ledger";
--> statement-breakpoint
CREATE TABLE "ledger"."cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text,
	"reason" text NOT NULL,
	"payload" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."dirty_projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."evaluation_clock" (
	"id" integer PRIMARY KEY NOT NULL,
	"as_of" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."findings" (
	"finding_id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"key" text NOT NULL,
	"rule" text NOT NULL,
	"status" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"record" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_findings_key_uq" UNIQUE("project_id","key")
);
--> statement-breakpoint
CREATE TABLE "ledger"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger"."outbox" (
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
CREATE TABLE "ledger"."payroll_lines" (
	"sheet_id" uuid NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"amount_due_fen" bigint NOT NULL,
	"signed" boolean NOT NULL,
	CONSTRAINT "payroll_lines_sheet_id_id_number_pk" PRIMARY KEY("sheet_id","id_number")
);
--> statement-breakpoint
CREATE TABLE "ledger"."payroll_sheets" (
	"sheet_id" uuid PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"period" text NOT NULL,
	"version" integer NOT NULL,
	"parts" integer NOT NULL,
	"parts_received" integer NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"event_ids" text[] NOT NULL,
	CONSTRAINT "ledger_sheet_version_uq" UNIQUE("project_id","period","version")
);
--> statement-breakpoint
CREATE TABLE "ledger"."projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"district" text NOT NULL,
	"bank_code" text NOT NULL,
	"account_no" text NOT NULL,
	"terms" jsonb NOT NULL,
	"event_id" uuid NOT NULL,
	CONSTRAINT "projects_account_no_unique" UNIQUE("account_no")
);
--> statement-breakpoint
CREATE TABLE "ledger"."statements" (
	"account_no" text NOT NULL,
	"statement_date" date NOT NULL,
	"project_id" text NOT NULL,
	"opening_fen" bigint NOT NULL,
	"closing_fen" bigint NOT NULL,
	"debit_count" integer NOT NULL,
	"debit_fen" bigint NOT NULL,
	"credit_count" integer NOT NULL,
	"credit_fen" bigint NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"event_id" uuid NOT NULL,
	CONSTRAINT "statements_account_no_statement_date_pk" PRIMARY KEY("account_no","statement_date")
);
--> statement-breakpoint
CREATE TABLE "ledger"."transfers" (
	"bank_code" text NOT NULL,
	"bank_ref" text NOT NULL,
	"project_id" text NOT NULL,
	"account_no" text NOT NULL,
	"direction" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"counterparty_account_no" text NOT NULL,
	"counterparty_name" text NOT NULL,
	"counterparty_id_number" text,
	"booked_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"original_bank_ref" text,
	"purpose" text,
	"event_id" uuid NOT NULL,
	CONSTRAINT "transfers_bank_code_bank_ref_pk" PRIMARY KEY("bank_code","bank_ref")
);
--> statement-breakpoint
CREATE TABLE "ledger"."workers" (
	"project_id" text NOT NULL,
	"id_number" text NOT NULL,
	"name" text NOT NULL,
	"account_no" text NOT NULL,
	"enrolled_on" date NOT NULL,
	"left_on" date,
	CONSTRAINT "workers_project_id_id_number_pk" PRIMARY KEY("project_id","id_number")
);
--> statement-breakpoint
CREATE INDEX "ledger_findings_status_idx" ON "ledger"."findings" USING btree ("status","rule");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "ledger"."outbox" USING btree ("seq") WHERE published_at IS NULL;--> statement-breakpoint
CREATE INDEX "ledger_statements_project_idx" ON "ledger"."statements" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_project_idx" ON "ledger"."transfers" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_counterparty_idx" ON "ledger"."transfers" USING btree ("counterparty_account_no");--> statement-breakpoint
CREATE INDEX "ledger_workers_account_idx" ON "ledger"."workers" USING btree ("account_no");