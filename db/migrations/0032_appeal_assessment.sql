ALTER TABLE "assessment_weights" ADD COLUMN "appeal_unsatisfied" real DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_weights" ADD COLUMN "appeal_late_contact" real DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_weights" ADD COLUMN "appeal_reopened" real DEFAULT 2 NOT NULL;--> statement-breakpoint
CREATE INDEX "appeals_lead_task_idx" ON "appeals" USING btree ("lead_task_id");--> statement-breakpoint
ALTER TABLE "appeals" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "appeals" ADD COLUMN "external_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_external_idx" ON "appeals" USING btree ("source","external_id") WHERE "external_id" is not null;
