CREATE TABLE "ledger"."period_rates" (
	"project_id" text NOT NULL,
	"period" text NOT NULL,
	"due_date" date NOT NULL,
	"workers_due" integer NOT NULL,
	"paid_in_full_on_time" integer NOT NULL,
	"paid_any_on_time" integer NOT NULL,
	"paid_in_full" integer NOT NULL,
	"amount_due_fen" bigint NOT NULL,
	"amount_paid_on_time_fen" bigint NOT NULL,
	"amount_paid_fen" bigint NOT NULL,
	"on_time_shares" integer[] NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "period_rates_project_id_period_pk" PRIMARY KEY("project_id","period")
);
--> statement-breakpoint
CREATE INDEX "ledger_period_rates_period_idx" ON "ledger"."period_rates" USING btree ("period");--> statement-breakpoint
-- A ledger already evaluated gets its projects' rates at their next evaluation: each project is
-- marked dirty at the evaluation instant (as 0003 did for the outlooks).
INSERT INTO "ledger"."dirty_projects" ("project_id", "changed_at")
SELECT p."project_id", c."as_of" FROM "ledger"."projects" p, "ledger"."evaluation_clock" c WHERE c."id" = 1
ON CONFLICT ("project_id") DO NOTHING;
