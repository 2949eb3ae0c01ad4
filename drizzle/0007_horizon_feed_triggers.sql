-- Horizon-scanning deadlines appear in the calendar feeds: their changes move feed_state.version too.
CREATE TRIGGER `horizon_items_feed_insert` AFTER INSERT ON `horizon_items` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `horizon_items_feed_update` AFTER UPDATE ON `horizon_items` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `horizon_items_feed_delete` AFTER DELETE ON `horizon_items` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `horizon_item_themes_feed_insert` AFTER INSERT ON `horizon_item_themes` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `horizon_item_themes_feed_delete` AFTER DELETE ON `horizon_item_themes` BEGIN
  UPDATE feed_state SET version = version + 1, changed_at = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE id = 1;
END;
