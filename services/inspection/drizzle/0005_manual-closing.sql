ALTER TABLE "inspection"."cases" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "inspection"."cases" ADD COLUMN "closing_outcome" text;--> statement-breakpoint
ALTER TABLE "inspection"."cases" ADD COLUMN "closing_reason" text;--> statement-breakpoint
ALTER TABLE "inspection"."cases" ADD COLUMN "closed_over" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "inspection"."cases" SET "closed_by" = 'system' WHERE "status" = 'closed';
