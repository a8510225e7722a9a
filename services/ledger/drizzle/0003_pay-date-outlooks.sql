CREATE TABLE "ledger"."pay_date_outlooks" (
	"project_id" text NOT NULL,
	"period" text NOT NULL,
	"due_date" date NOT NULL,
	"owed_fen" bigint,
	"balance_fen" bigint,
	"evaluated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pay_date_outlooks_project_id_period_pk" PRIMARY KEY("project_id","period")
);
--> statement-breakpoint
CREATE INDEX "ledger_pay_date_outlooks_due_idx" ON "ledger"."pay_date_outlooks" USING btree ("due_date");--> statement-breakpoint
-- A ledger already evaluated gets its projects' outlooks at their next evaluation: each project is
-- marked dirty at the evaluation instant, and the consumer evaluates it when idle (docs/adr/0021).
INSERT INTO "ledger"."dirty_projects" ("project_id", "changed_at")
SELECT p."project_id", c."as_of" FROM "ledger"."projects" p, "ledger"."evaluation_clock" c WHERE c."id" = 1
ON CONFLICT ("project_id") DO NOTHING;
