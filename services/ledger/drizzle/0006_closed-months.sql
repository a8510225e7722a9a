CREATE TABLE "ledger"."closed_months" (
	"project_id" text PRIMARY KEY NOT NULL,
	"generation" bigint DEFAULT 0 NOT NULL,
	"through" text,
	"cut_date" date,
	"cut_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"summary" jsonb
);
