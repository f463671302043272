-- Early warnings (预警核查): outside monitoring systems post signals with a service account; a rule per
-- (source, risk level) turns each into a verification item; the result goes back to the source.
CREATE TABLE "intake_sources" (
	"source" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"result_url" text,
	"result_secret" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "service_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL REFERENCES "intake_sources"("source") ON DELETE cascade,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "service_accounts_key_hash_idx" ON "service_accounts" USING btree ("key_hash");
--> statement-breakpoint
CREATE INDEX "service_accounts_source_idx" ON "service_accounts" USING btree ("source");
--> statement-breakpoint
CREATE TABLE "intake_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL REFERENCES "intake_sources"("source") ON DELETE cascade,
	"risk_level" text NOT NULL,
	"department_id" uuid NOT NULL REFERENCES "departments"("id"),
	"issued_by" uuid NOT NULL REFERENCES "users"("id"),
	"due_in_working_days" integer,
	"due_within" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "intake_rules_risk_level" CHECK ("risk_level" in ('low', 'medium', 'high'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "intake_rules_source_risk_idx" ON "intake_rules" USING btree ("source","risk_level");
--> statement-breakpoint
CREATE TABLE "intake_signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"item_id" uuid NOT NULL,
	"service_account_id" uuid,
	"subject" text NOT NULL,
	"risk_level" text NOT NULL,
	"details" jsonb,
	"department_id" uuid NOT NULL,
	"rule_id" uuid,
	"received_count" integer DEFAULT 1 NOT NULL,
	"first_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"result_delivery_id" uuid
);
--> statement-breakpoint
CREATE UNIQUE INDEX "intake_signals_source_external_idx" ON "intake_signals" USING btree ("source","external_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "intake_signals_item_idx" ON "intake_signals" USING btree ("item_id");
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "intake_source" text;
