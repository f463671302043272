-- The system user of auto-dispatch (issue 18; domain/auto-dispatch.ts AUTO_DISPATCH_USER): who dispatches an appeal
-- without a person. Disabled, and its password hash matches no password: it never signs in. Admins do not see it.
INSERT INTO "users" ("id", "username", "display_name", "role", "password_hash", "disabled")
VALUES ('00000000-0000-4000-8000-00000000ad01', 'auto-dispatch', '智能分派 Auto-dispatch', 'operator', '!', true)
ON CONFLICT DO NOTHING;
