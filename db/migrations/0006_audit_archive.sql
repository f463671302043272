CREATE TABLE "archived_histories" (
	"workflow_id" text NOT NULL,
	"run_id" text NOT NULL,
	"item_id" uuid NOT NULL,
	"workflow_kind" text NOT NULL,
	"run_index" integer NOT NULL,
	"event_count" integer NOT NULL,
	"history_gzip" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"archived_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "archived_histories_workflow_id_run_id_pk" PRIMARY KEY("workflow_id","run_id")
);
--> statement-breakpoint
CREATE INDEX "archived_histories_item_idx" ON "archived_histories" USING btree ("item_id");