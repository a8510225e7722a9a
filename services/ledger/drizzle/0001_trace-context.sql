ALTER TABLE "ledger"."dirty_projects" ADD COLUMN "correlation_id" text;--> statement-breakpoint
ALTER TABLE "ledger"."dirty_projects" ADD COLUMN "causation_id" text;