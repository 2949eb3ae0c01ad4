-- Keeps feed_state.version rising on every change that a calendar feed could show (see packages/db/src/schema/feeds.ts).
INSERT INTO `feed_state` (`id`, `version`, `changed_at`) VALUES (1, 0, CAST(unixepoch('subsec') * 1000 AS INTEGER)) ON CONFLICT DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER `events_feed_insert` AFTER INSERT ON `events` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `events_feed_update` AFTER UPDATE ON `events` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `events_feed_delete` AFTER DELETE ON `events` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_feed_insert` AFTER INSERT ON `event_themes` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `event_themes_feed_delete` AFTER DELETE ON `event_themes` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_feed_insert` AFTER INSERT ON `event_organisers` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_feed_update` AFTER UPDATE ON `event_organisers` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `event_organisers_feed_delete` AFTER DELETE ON `event_organisers` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `clusters_feed_update` AFTER UPDATE ON `clusters` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `themes_feed_update` AFTER UPDATE ON `themes` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `coordinators_feed_insert` AFTER INSERT ON `coordinators` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `coordinators_feed_delete` AFTER DELETE ON `coordinators` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
