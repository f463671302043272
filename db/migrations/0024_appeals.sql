CREATE TABLE "appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"query_code" text NOT NULL,
	"channel" text NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"citizen_name" text,
	"phone" text NOT NULL,
	"place" text,
	"attachment_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"stage" text NOT NULL,
	"registered_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"department_id" uuid,
	"lead_task_id" uuid,
	"dispatched_at" timestamp with time zone,
	"last_dispatched_at" timestamp with time zone,
	"dispatched_by" uuid,
	"return_count" integer DEFAULT 0 NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"reply_text" text,
	"replied_at" timestamp with time zone,
	"contact_method" text,
	"contacted_at" timestamp with time zone,
	"contacted_in_window" boolean,
	"visit_due_at" timestamp with time zone,
	"visit_result" text,
	"visit_comment" text,
	"visited_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "appeals_code_unique" UNIQUE("code"),
	CONSTRAINT "appeals_query_code_unique" UNIQUE("query_code")
);
--> statement-breakpoint
CREATE TABLE "appeal_returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appeal_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"returned_by" uuid NOT NULL,
	"returned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "appeals_stage_idx" ON "appeals" USING btree ("stage","created_at");
--> statement-breakpoint
CREATE INDEX "appeals_department_idx" ON "appeals" USING btree ("department_id","dispatched_at");
--> statement-breakpoint
CREATE INDEX "appeal_returns_department_idx" ON "appeal_returns" USING btree ("department_id","returned_at");
--> statement-breakpoint
CREATE INDEX "appeal_returns_appeal_idx" ON "appeal_returns" USING btree ("appeal_id");
--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "appeal_code_seq";
