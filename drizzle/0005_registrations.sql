CREATE TABLE `registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`token` text,
	`status` text NOT NULL,
	`name` text,
	`email` text,
	`organisation` text,
	`county_id` integer,
	`cluster_id` integer,
	`dietary_needs` text,
	`accessibility_needs` text,
	`language` text DEFAULT 'sv' NOT NULL,
	`newsletter` integer DEFAULT false NOT NULL,
	`consent_at` integer NOT NULL,
	`waitlisted_at` integer,
	`promoted_at` integer,
	`checked_in_at` integer,
	`reminder_sent_at` integer,
	`cancelled_at` integer,
	`anonymised_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_token_unique` ON `registrations` (`token`);--> statement-breakpoint
CREATE UNIQUE INDEX `registrations_event_email_idx` ON `registrations` (`event_id`,`email`);--> statement-breakpoint
CREATE INDEX `registrations_event_status_idx` ON `registrations` (`event_id`,`status`,`waitlisted_at`,`id`);--> statement-breakpoint
CREATE INDEX `registrations_email_idx` ON `registrations` (`email`);