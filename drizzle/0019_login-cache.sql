CREATE TABLE `auth_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Keeps auth_state.version rising on every change that can alter what a login token stands for (see packages/db/src/schema/accounts.ts).
INSERT INTO `auth_state` (`id`, `version`) VALUES (1, 0) ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER `sessions_auth_update` AFTER UPDATE ON `sessions` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `sessions_auth_delete` AFTER DELETE ON `sessions` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_auth_update` AFTER UPDATE OF `id`, `is_admin`, `disabled_at` ON `users` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `users_auth_delete` AFTER DELETE ON `users` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `coordinators_auth_insert` AFTER INSERT ON `coordinators` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `coordinators_auth_update` AFTER UPDATE ON `coordinators` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `coordinators_auth_delete` AFTER DELETE ON `coordinators` BEGIN
  UPDATE auth_state SET version = version + 1 WHERE id = 1;
END;
