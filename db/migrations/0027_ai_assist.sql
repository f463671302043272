CREATE TABLE "ai_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"import_id" uuid NOT NULL,
	"title" text,
	"text" text NOT NULL,
	"department_id" uuid NOT NULL REFERENCES "departments"("id"),
	"imported_by" uuid NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ai_history_import_idx" ON "ai_history" USING btree ("import_id");
--> statement-breakpoint
CREATE TABLE "ai_models" (
	"version" serial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"requested_by" uuid,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"examples" integer,
	"target_precision" double precision NOT NULL,
	"temperature" double precision,
	"threshold" double precision,
	"coverage" double precision,
	"figures" jsonb,
	"counts" text,
	"message" text
);
--> statement-breakpoint
CREATE INDEX "ai_models_ready_idx" ON "ai_models" USING btree ("version") WHERE "status" = 'ready';
--> statement-breakpoint
CREATE TABLE "ai_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_version" integer REFERENCES "ai_models"("version"),
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"suggested" jsonb NOT NULL,
	"top_department_id" uuid,
	"top_confidence" double precision,
	"chosen_department_id" uuid,
	"chosen_at" timestamp with time zone,
	"item_id" uuid
);
--> statement-breakpoint
CREATE INDEX "ai_suggestions_requested_at_idx" ON "ai_suggestions" USING btree ("requested_at");
--> statement-breakpoint
CREATE TABLE "ai_auto_dispatch" (
	"kind" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ai_fingerprints" (
	"item_id" uuid PRIMARY KEY NOT NULL REFERENCES "items"("id") ON DELETE CASCADE,
	"minhash" integer[] NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
