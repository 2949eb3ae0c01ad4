CREATE TABLE `report_months` (
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`period` text NOT NULL,
	`figures` text NOT NULL,
	PRIMARY KEY(`from_ms`, `to_ms`)
);
--> statement-breakpoint
-- The kept figures of the year report (packages/db/src/schema/reports.ts): every write that can change a
-- month's or day's figures deletes the rows holding the event's start, in the writer's transaction; the
-- report fills them again. A row spans at most 31 days, so only rows starting in the 32 days before count.
-- Writes to other columns (titles, texts, revisions) leave the rows alone.
CREATE TRIGGER `events_report_insert` AFTER INSERT ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms <= new.starts_at AND from_ms > new.starts_at - 2764800000 AND to_ms > new.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `events_report_update` AFTER UPDATE OF `starts_at`, `status`, `kind` ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms <= old.starts_at AND from_ms > old.starts_at - 2764800000 AND to_ms > old.starts_at;
  DELETE FROM report_months WHERE from_ms <= new.starts_at AND from_ms > new.starts_at - 2764800000 AND to_ms > new.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `events_report_delete` AFTER DELETE ON `events` BEGIN
  DELETE FROM report_months WHERE from_ms <= old.starts_at AND from_ms > old.starts_at - 2764800000 AND to_ms > old.starts_at;
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_insert` AFTER INSERT ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_update` AFTER UPDATE ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_report_delete` AFTER DELETE ON `event_themes` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_insert` AFTER INSERT ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_update` AFTER UPDATE ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_report_delete` AFTER DELETE ON `event_organisers` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_insert` AFTER INSERT ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_update` AFTER UPDATE OF `event_id`, `status`, `checked_in_at`, `cluster_id`, `county_id` ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `registrations_report_delete` AFTER DELETE ON `registrations` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `feedback_invitations_report_insert` AFTER INSERT ON `feedback_invitations` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `feedback_invitations_report_delete` AFTER DELETE ON `feedback_invitations` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `feedback_answers_report_insert` AFTER INSERT ON `feedback_answers` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = new.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = new.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = new.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER `feedback_answers_report_delete` AFTER DELETE ON `feedback_answers` BEGIN
  DELETE FROM report_months WHERE from_ms <= (SELECT starts_at FROM events WHERE id = old.event_id) AND from_ms > (SELECT starts_at FROM events WHERE id = old.event_id) - 2764800000 AND to_ms > (SELECT starts_at FROM events WHERE id = old.event_id);
END;
