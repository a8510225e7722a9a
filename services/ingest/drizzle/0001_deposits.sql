CREATE TABLE "ingest"."deposit_events" (
	"bank_code" text NOT NULL,
	"bank_ref" text NOT NULL,
	"project_id" text NOT NULL,
	"kind" text NOT NULL,
	"record" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deposit_events_bank_code_bank_ref_pk" PRIMARY KEY("bank_code","bank_ref")
);
--> statement-breakpoint
CREATE INDEX "deposit_events_project_idx" ON "ingest"."deposit_events" USING btree ("project_id");