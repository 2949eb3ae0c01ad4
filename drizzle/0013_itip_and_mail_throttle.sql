CREATE TABLE `mail_throttle` (
	`kind` text NOT NULL,
	`address_hash` text NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `address_hash`)
);
--> statement-breakpoint
CREATE INDEX `mail_throttle_sent_idx` ON `mail_throttle` (`sent_at`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `ical_event` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `reply_to` text;--> statement-breakpoint
ALTER TABLE `registrations` ADD `calendar_sequence` integer;--> statement-breakpoint
ALTER TABLE `registrations` ADD `calendar_invited` integer DEFAULT false NOT NULL;