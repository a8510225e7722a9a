ALTER TABLE "ledger"."payroll_lines" ADD COLUMN "days_worked" numeric;--> statement-breakpoint
ALTER TABLE "ledger"."payroll_lines" ADD COLUMN "gross_fen" bigint;