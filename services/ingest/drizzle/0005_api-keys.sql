-- The key registry moved to the shared auth schema (packages/runtime key-registry.ts, created
-- before this migration runs): keep every key issued so far, then drop the old record.
INSERT INTO "auth"."api_key" ("key_id", "role", "scope", "issued_by", "issued_at", "revoked_at", "revoked_by")
SELECT "key_id", "role", "scope", "issued_by", "issued_at",
  CASE WHEN "revoked" THEN "issued_at" END, CASE WHEN "revoked" THEN 'migration' END
FROM "ingest"."api_key_issuance" ON CONFLICT ("key_id") DO NOTHING;--> statement-breakpoint
DROP TABLE "ingest"."api_key_issuance" CASCADE;
