CREATE TABLE "ingest"."dead_letter_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dead_letter_id" bigint NOT NULL,
	"attempted_by" text NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "ingest"."dead_lettered_records" (
	"bank_code" text NOT NULL,
	"record_kind" text NOT NULL,
	"ref" text NOT NULL,
	"consumer" text NOT NULL,
	"dead_letter_id" text NOT NULL,
	"reason" text NOT NULL,
	"dead_lettered_at" timestamp with time zone NOT NULL,
	"reapplied_at" timestamp with time zone,
	CONSTRAINT "dead_lettered_records_bank_code_record_kind_ref_consumer_pk" PRIMARY KEY("bank_code","record_kind","ref","consumer")
);
--> statement-breakpoint
ALTER TABLE "ingest"."dead_letters" ADD COLUMN "event_type" text;--> statement-breakpoint
ALTER TABLE "ingest"."dead_letters" ADD COLUMN "row_index" integer;--> statement-breakpoint
ALTER TABLE "ingest"."dead_letters" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "ingest"."dead_letters" ADD COLUMN "reapplied_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dead_letter_attempts_dl_idx" ON "ingest"."dead_letter_attempts" USING btree ("dead_letter_id");