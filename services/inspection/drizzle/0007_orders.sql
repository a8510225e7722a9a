CREATE TABLE "inspection"."case_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"order_no" text NOT NULL,
	"case_id" text NOT NULL,
	"cycle" integer NOT NULL,
	"kind" text NOT NULL,
	"district" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" text NOT NULL,
	"deadline" date,
	"content" jsonb NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledgement" text,
	CONSTRAINT "case_orders_order_no_unique" UNIQUE("order_no")
);
--> statement-breakpoint
CREATE TABLE "inspection"."order_numbers" (
	"series" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "order_numbers_series_year_pk" PRIMARY KEY("series","year")
);
--> statement-breakpoint
CREATE INDEX "inspection_case_orders_case_idx" ON "inspection"."case_orders" USING btree ("case_id","issued_at");