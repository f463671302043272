-- How many items matched a volume's filter when its job selected them: more than item_count when the volume was capped at its limit.
ALTER TABLE "export_jobs" ADD COLUMN "matched_count" integer;