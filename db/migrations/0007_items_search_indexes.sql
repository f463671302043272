-- Human item codes (DB-2026-000123). IF NOT EXISTS: databases that ran the launch service before this
-- migration already have the sequence.
CREATE SEQUENCE IF NOT EXISTS item_code_seq;
--> statement-breakpoint
-- Title/code search in the item list (`?q=`) — trigram indexes serve LIKE '%…%' for Chinese and Latin text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS items_title_trgm_idx ON items USING gin (title gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS items_code_trgm_idx ON items USING gin (code gin_trgm_ops);
--> statement-breakpoint
-- The list's common filter combination; lets counts be answered from the index alone.
CREATE INDEX IF NOT EXISTS items_status_light_kind_idx ON items (status, light, kind);
