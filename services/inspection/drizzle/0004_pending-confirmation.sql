ALTER TABLE "inspection"."justifications" ADD COLUMN "proposed_by" text;--> statement-breakpoint
ALTER TABLE "inspection"."justifications" ADD COLUMN "proposed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inspection"."justifications" ADD COLUMN "proposed_reason" text;--> statement-breakpoint
ALTER TABLE "inspection"."justifications" ADD COLUMN "proposed_pause_until" date;