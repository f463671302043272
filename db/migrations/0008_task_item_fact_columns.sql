ALTER TABLE "tasks" ADD COLUMN "item_kind" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "item_issued_by" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "item_launched_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "tasks_item_launched_idx" ON "tasks" USING btree ("item_launched_at");