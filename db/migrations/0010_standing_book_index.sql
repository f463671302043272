-- The standing book counts task facts by launch period: a covering partial index lets Postgres answer
-- from the index alone (index-only scan, no heap fetches once autovacuum has visited the pages).
-- It carries every column the dashboard's figures and filters read (db/queries/dashboard.ts).
CREATE INDEX IF NOT EXISTS tasks_standing_book_idx ON tasks (item_launched_at)
  INCLUDE (item_kind, department_id, status, outcome, light, red_ever, item_issued_by, due_at, accepted_at)
  WHERE status NOT IN ('transferred', 'cancelled');
