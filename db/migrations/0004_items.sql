CREATE TABLE "item_events" (
	"id" text PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"task_id" uuid,
	"stream" text NOT NULL,
	"seq" integer NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"actor_user_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_department_id" text,
	"reason_code" text,
	"reason_en" text,
	"reason_zh" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"light" text NOT NULL,
	"issued_by" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"public" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"launched_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"red_ever" boolean DEFAULT false NOT NULL,
	"department_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "items_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"role" text NOT NULL,
	"status" text NOT NULL,
	"light" text NOT NULL,
	"light_reason_code" text NOT NULL,
	"light_reason_en" text NOT NULL,
	"light_reason_zh" text NOT NULL,
	"sign_due_at" timestamp with time zone NOT NULL,
	"warn_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"original_due_at" timestamp with time zone NOT NULL,
	"outcome" text,
	"red_ever" boolean DEFAULT false NOT NULL,
	"postponed" boolean DEFAULT false NOT NULL,
	"last_report_at" timestamp with time zone,
	"percent" integer,
	"urge_count" integer DEFAULT 0 NOT NULL,
	"return_count" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"signed_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"transferred_to" uuid,
	"transferred_from" uuid,
	"working_days" integer,
	"pending_extension" jsonb,
	"pending_transfer" jsonb,
	"workflow_id" text NOT NULL,
	"version" integer NOT NULL,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "item_events_stream_seq_idx" ON "item_events" USING btree ("stream","seq");--> statement-breakpoint
CREATE INDEX "item_events_item_at_idx" ON "item_events" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "item_events_task_idx" ON "item_events" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "items_status_idx" ON "items" USING btree ("status");--> statement-breakpoint
CREATE INDEX "items_light_idx" ON "items" USING btree ("light");--> statement-breakpoint
CREATE INDEX "items_kind_idx" ON "items" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "items_issued_by_idx" ON "items" USING btree ("issued_by");--> statement-breakpoint
CREATE INDEX "items_due_at_idx" ON "items" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "items_created_at_idx" ON "items" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "items_department_ids_idx" ON "items" USING gin ("department_ids");--> statement-breakpoint
CREATE INDEX "tasks_item_idx" ON "tasks" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "tasks_department_status_idx" ON "tasks" USING btree ("department_id","status");--> statement-breakpoint
CREATE INDEX "tasks_status_idx" ON "tasks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tasks_light_idx" ON "tasks" USING btree ("light");--> statement-breakpoint
CREATE INDEX "tasks_due_at_idx" ON "tasks" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "tasks_working_days_idx" ON "tasks" USING btree ("working_days") WHERE "tasks"."working_days" is not null and "tasks"."closed_at" is null;