-- Accountability actions (问责) against red or overdue tasks, and uploaded attachments (evidence,
-- photos, scanned documents). Both are written by the API, not projected from workflows: an action
-- may be recorded long after the task's workflow has closed. Every write is in the audit log too.
CREATE TABLE "accountability_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"person_name" text NOT NULL,
	"department_id" uuid NOT NULL REFERENCES "departments"("id"),
	"reason" text NOT NULL,
	"decision" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"withdrawn_at" timestamp with time zone,
	"withdraw_reason" text,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"trail" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "accountability_actions_kind_check" CHECK ("kind" IN ('interview', 'circulated_criticism', 'written_explanation', 'other')),
	CONSTRAINT "accountability_actions_status_check" CHECK ("status" IN ('active', 'withdrawn'))
);
--> statement-breakpoint
CREATE INDEX "accountability_actions_item_idx" ON "accountability_actions" USING btree ("item_id");
--> statement-breakpoint
CREATE INDEX "accountability_actions_department_idx" ON "accountability_actions" USING btree ("department_id", "decided_at") WHERE "status" = 'active';
--> statement-breakpoint
CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"item_id" uuid,
	"task_id" uuid
);
--> statement-breakpoint
CREATE INDEX "attachments_item_idx" ON "attachments" USING btree ("item_id");
--> statement-breakpoint
CREATE INDEX "attachments_task_idx" ON "attachments" USING btree ("task_id");
