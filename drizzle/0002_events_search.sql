-- Full-text search over event titles and descriptions (SQLite FTS5, external content:
-- the text lives in events, the index is kept in step by the triggers below).
CREATE VIRTUAL TABLE `events_fts` USING fts5(title, description, content='events', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `events_fts_insert` AFTER INSERT ON `events` BEGIN
  INSERT INTO events_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `events_fts_delete` AFTER DELETE ON `events` BEGIN
  INSERT INTO events_fts(events_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `events_fts_update` AFTER UPDATE OF title, description ON `events` BEGIN
  INSERT INTO events_fts(events_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO events_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
