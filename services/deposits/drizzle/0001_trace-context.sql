ALTER TABLE "deposits"."dirty_projects" ADD COLUMN "correlation_id" text;--> statement-breakpoint
ALTER TABLE "deposits"."dirty_projects" ADD COLUMN "causation_id" text;