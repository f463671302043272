ALTER TABLE "tasks" ADD COLUMN "assignee_user_id" uuid;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "assignee_name" text;