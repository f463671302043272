ALTER TABLE "users" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD COLUMN "provider_message_id" text;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD COLUMN "sms_enabled" boolean;--> statement-breakpoint
CREATE TABLE "sms_settings" (
	"id" text PRIMARY KEY DEFAULT 'sms' NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"endpoint" text DEFAULT 'https://dysmsapi.aliyuncs.com/' NOT NULL,
	"access_key_id" text DEFAULT '' NOT NULL,
	"access_key_secret" text DEFAULT '' NOT NULL,
	"sign_name" text DEFAULT '' NOT NULL,
	"templates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "sms_settings_one_row" CHECK ("id" = 'sms')
);
