CREATE TABLE "projection_failures" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"item_id" uuid NOT NULL,
	"task_id" uuid,
	"version" integer NOT NULL,
	"error_code" text NOT NULL,
	"error" text NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"first_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "projection_failures_item_idx" ON "projection_failures" USING btree ("item_id");