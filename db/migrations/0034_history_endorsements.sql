ALTER TABLE "ai_history" ADD COLUMN "endorsements" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ai_history" ADD COLUMN "filed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ai_history_filed_at_idx" ON "ai_history" USING btree ("filed_at") WHERE "filed_at" is not null;
