CREATE TABLE `report_months` (
	`from_ms` integer PRIMARY KEY NOT NULL,
	`to_ms` integer NOT NULL,
	`month` text NOT NULL,
	`figures` text NOT NULL
);
--> statement-breakpoint
-- The kept months of the year report (packages/db/src/schema/reports.ts): every write that can change a
-- month's figures deletes that month's row, in the writer's transaction; the report fills it again.
-- Writes to other columns (titles, texts, revisions) leave the rows alone.
CREATE TRIGGER `events_report_insert` AFTER INSERT ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= new.starts_at) AND to_ms > new.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `events_report_update` AFTER UPDATE OF `starts_at`, `status`, `kind` ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= old.starts_at) AND to_ms > old.starts_at;
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= new.starts_at) AND to_ms > new.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `events_report_delete` AFTER DELETE ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= old.starts_at) AND to_ms > old.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_insert` AFTER INSERT ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_update` AFTER UPDATE ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_delete` AFTER DELETE ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_insert` AFTER INSERT ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_update` AFTER UPDATE ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_delete` AFTER DELETE ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_insert` AFTER INSERT ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_update` AFTER UPDATE OF `event_id`, `status`, `checked_in_at`, `cluster_id`, `county_id` ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_delete` AFTER DELETE ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms = (SELECT max(from_ms) FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id)) AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
