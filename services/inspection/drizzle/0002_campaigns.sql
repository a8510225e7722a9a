CREATE TABLE "inspection"."alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"district" text NOT NULL,
	"project_id" text,
	"occurrence" text,
	"data" jsonb NOT NULL,
	"raised_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."campaign_reports" (
	"report_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"occurrence" text NOT NULL,
	"district" text NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."campaign_runs" (
	"occurrence" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "inspection"."webhook_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"response_status" integer,
	"response_body" text,
	"error" text,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."webhook_cursor" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inspection"."webhooks" (
	"webhook_id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"events" text[] NOT NULL,
	"districts" text[],
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"from_seq" bigint NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "inspection_alerts_district_idx" ON "inspection"."alerts" USING btree ("district","id");--> statement-breakpoint
CREATE INDEX "inspection_campaign_reports_kind_idx" ON "inspection"."campaign_reports" USING btree ("kind","district","created_at");--> statement-breakpoint
CREATE INDEX "inspection_webhook_attempts_delivery_idx" ON "inspection"."webhook_attempts" USING btree ("delivery_id","attempt");--> statement-breakpoint
CREATE INDEX "inspection_webhook_deliveries_due_idx" ON "inspection"."webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "inspection_webhook_deliveries_hook_idx" ON "inspection"."webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_webhook_deliveries_event_idx" ON "inspection"."webhook_deliveries" USING btree ("webhook_id","event_id");