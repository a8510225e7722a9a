CREATE TABLE "ingest"."clock_instant" (
	"id" integer PRIMARY KEY NOT NULL,
	"as_of" timestamp with time zone NOT NULL
);
