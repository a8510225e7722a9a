CREATE TABLE "deposits"."evaluation_due" (
	"project_id" text PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "deposits_evaluation_due_at_idx" ON "deposits"."evaluation_due" USING btree ("due_at");