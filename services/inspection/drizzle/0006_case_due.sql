CREATE TABLE "inspection"."case_due" (
	"case_key" text PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inspection_case_due_at_idx" ON "inspection"."case_due" USING btree ("due_at");