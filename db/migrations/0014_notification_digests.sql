ALTER TABLE "notification_deliveries" ADD COLUMN "digest_key" text;--> statement-breakpoint
CREATE INDEX "notification_deliveries_held_webhook_idx" ON "notification_deliveries" USING btree ("webhook_id","held_until") WHERE status = 'held';--> statement-breakpoint
CREATE INDEX "notification_deliveries_digest_idx" ON "notification_deliveries" USING btree ("digest_key") WHERE digest_key is not null;