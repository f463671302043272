CREATE TABLE "item_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"duplicate_id" uuid NOT NULL REFERENCES "items"("id") ON DELETE CASCADE,
	"primary_id" uuid NOT NULL REFERENCES "items"("id") ON DELETE CASCADE,
	"merged_by" uuid NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"unmerged_by" uuid,
	"unmerged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "item_merges_current_duplicate_idx" ON "item_merges" USING btree ("duplicate_id") WHERE "unmerged_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "item_merges_primary_idx" ON "item_merges" USING btree ("primary_id") WHERE "unmerged_at" IS NULL;
