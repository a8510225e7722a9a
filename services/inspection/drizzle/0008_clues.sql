CREATE TABLE "inspection"."clue_answers" (
	"clue_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"by" text NOT NULL,
	"outcome" text NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "clue_answers_clue_id_seq_pk" PRIMARY KEY("clue_id","seq")
);
--> statement-breakpoint
CREATE TABLE "inspection"."clues" (
	"clue_id" text PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"district" text NOT NULL,
	"project_id" text,
	"project_text" text,
	"name" text NOT NULL,
	"id_number" text NOT NULL,
	"phone" text NOT NULL,
	"months" jsonb NOT NULL,
	"amount_fen" bigint NOT NULL,
	"description" text NOT NULL,
	"status" text NOT NULL,
	"finding_id" text,
	"routed_at" timestamp with time zone,
	"routed_by" text,
	"closed_at" timestamp with time zone,
	CONSTRAINT "clues_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE INDEX "inspection_clues_district_idx" ON "inspection"."clues" USING btree ("district","status","received_at");