CREATE SCHEMA "inspection";
--> statement-breakpoint
CREATE TABLE "inspection"."cursors" (
	"source" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"event_id" text,
	"reason" text NOT NULL,
	"payload" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."findings" (
	"finding_id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"district" text NOT NULL,
	"rule" text NOT NULL,
	"status" text NOT NULL,
	"period" text,
	"snapshot" jsonb NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection"."outbox" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"envelope" jsonb NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "inspection"."projects" (
	"project_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"district" text NOT NULL,
	"sector" text NOT NULL,
	"registration" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inspection_findings_project_idx" ON "inspection"."findings" USING btree ("project_id","status");--> statement-breakpoint
CREATE INDEX "inspection_findings_district_idx" ON "inspection"."findings" USING btree ("district","status");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "inspection"."outbox" USING btree ("seq") WHERE published_at IS NULL;