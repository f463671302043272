-- A catalogue of supervision matters (监管事项清单): each department's matters, kept by the admin
-- (by hand or imported from a spreadsheet). Items (verification, appeal, …) may be tied to one matter;
-- intake rules and appeals may name one.
CREATE TABLE "supervision_matters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"department_id" uuid NOT NULL REFERENCES "departments"("id"),
	"level" text NOT NULL,
	"object" text,
	"legal_basis" text,
	"process" text,
	"expected_result" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "supervision_matters_level" CHECK ("level" in ('province', 'city', 'county', 'township'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_matters_code_idx" ON "supervision_matters" USING btree ("code");
--> statement-breakpoint
CREATE INDEX "supervision_matters_department_idx" ON "supervision_matters" USING btree ("department_id","code");
--> statement-breakpoint
CREATE TABLE "item_matters" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"matter_id" uuid NOT NULL REFERENCES "supervision_matters"("id"),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "item_matters_matter_idx" ON "item_matters" USING btree ("matter_id");
--> statement-breakpoint
ALTER TABLE "intake_rules" ADD COLUMN "matter_id" uuid REFERENCES "supervision_matters"("id") ON DELETE set null;
--> statement-breakpoint
ALTER TABLE "appeals" ADD COLUMN "matter_id" uuid REFERENCES "supervision_matters"("id") ON DELETE set null;
