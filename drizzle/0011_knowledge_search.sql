-- The knowledge bank's full-text index: one row per documented event (rowid = event id) over its
-- title, its documentation and the titles and PDF text of its public materials. Participant-only
-- materials stay out, so a search can never reveal what is in them. The triggers rebuild an
-- event's row whenever any of that changes; core never writes to the index itself.
CREATE VIRTUAL TABLE `knowledge_fts` USING fts5(title, documentation, materials, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `event_documentation_knowledge_insert` AFTER INSERT ON `event_documentation` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = new.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = new.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `event_documentation_knowledge_update` AFTER UPDATE ON `event_documentation` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = new.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = new.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `event_documentation_knowledge_delete` AFTER DELETE ON `event_documentation` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = old.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = old.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `materials_knowledge_insert` AFTER INSERT ON `materials` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = new.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = new.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `materials_knowledge_update` AFTER UPDATE ON `materials` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = new.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = new.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `materials_knowledge_delete` AFTER DELETE ON `materials` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = old.event_id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = old.event_id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `events_knowledge_title` AFTER UPDATE OF title ON `events` WHEN EXISTS (SELECT 1 FROM knowledge_fts WHERE rowid = new.id) BEGIN
  DELETE FROM knowledge_fts WHERE rowid = new.id;
  INSERT INTO knowledge_fts(rowid, title, documentation, materials)
    SELECT e.id, e.title, coalesce(d.body, ''),
      coalesce((SELECT group_concat(m.title || ' ' || coalesce(m.text, ''), ' ') FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'), '')
    FROM events e LEFT JOIN event_documentation d ON d.event_id = e.id
    WHERE e.id = new.id AND (d.event_id IS NOT NULL OR EXISTS (SELECT 1 FROM materials m WHERE m.event_id = e.id AND m.visibility = 'public'));
END;
--> statement-breakpoint
CREATE TRIGGER `events_knowledge_delete` AFTER DELETE ON `events` BEGIN
  DELETE FROM knowledge_fts WHERE rowid = old.id;
END;
