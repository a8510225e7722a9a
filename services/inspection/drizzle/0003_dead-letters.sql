CREATE TABLE "inspection"."dead_letter_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dead_letter_id" bigint NOT NULL,
	"attempted_by" text NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
ALTER TABLE "inspection"."dead_letters" ADD COLUMN "event_type" text;--> statement-breakpoint
ALTER TABLE "inspection"."dead_letters" ADD COLUMN "row_index" integer;--> statement-breakpoint
ALTER TABLE "inspection"."dead_letters" ADD COLUMN "status" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection"."dead_letters" ADD COLUMN "reapplied_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dead_letter_attempts_dl_idx" ON "inspection"."dead_letter_attempts" USING btree ("dead_letter_id");