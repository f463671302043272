CREATE TABLE "risk_models" (
	"version" serial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"requested_by" uuid,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"closed" integer,
	"red" integer,
	"figures" jsonb,
	"model" jsonb,
	"message" text
);
--> statement-breakpoint
CREATE INDEX "risk_models_ready_idx" ON "risk_models" USING btree ("version") WHERE "status" = 'ready';
--> statement-breakpoint
CREATE TABLE "hotspot_pins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"words" text[] NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "hotspot_pins_words_idx" ON "hotspot_pins" USING btree ("words");
--> statement-breakpoint
CREATE TABLE "hotspot_tokens" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"text_hash" text NOT NULL,
	"tokens" text[] NOT NULL
);
