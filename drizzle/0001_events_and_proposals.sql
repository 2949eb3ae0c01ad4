CREATE TABLE `event_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`user_id` integer,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`changes` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `event_audit_event_idx` ON `event_audit` (`event_id`,`id`);--> statement-breakpoint
CREATE TABLE `event_organisers` (
	`event_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`invited_by` integer,
	`invited_at` integer NOT NULL,
	`responded_at` integer,
	PRIMARY KEY(`event_id`, `cluster_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `event_organisers_cluster_idx` ON `event_organisers` (`cluster_id`,`status`,`event_id`);--> statement-breakpoint
CREATE TABLE `event_themes` (
	`event_id` integer NOT NULL,
	`theme_id` integer NOT NULL,
	PRIMARY KEY(`event_id`, `theme_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`theme_id`) REFERENCES `themes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `event_themes_theme_idx` ON `event_themes` (`theme_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`cancel_reason` text,
	`all_day` integer DEFAULT false NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`time_zone` text DEFAULT 'Europe/Stockholm' NOT NULL,
	`start_date` text,
	`end_date` text,
	`venue_name` text,
	`address` text,
	`county_id` integer,
	`lat` real,
	`lng` real,
	`online_url` text,
	`language` text DEFAULT 'sv' NOT NULL,
	`capacity` integer,
	`registration_opens_at` integer,
	`registration_closes_at` integer,
	`contact_email` text,
	`lead_cluster_id` integer NOT NULL,
	`series_id` integer,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`series_id`) REFERENCES `series`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_uid_unique` ON `events` (`uid`);--> statement-breakpoint
CREATE INDEX `events_status_start_idx` ON `events` (`status`,`starts_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_start_idx` ON `events` (`starts_at`,`id`);--> statement-breakpoint
CREATE INDEX `events_series_idx` ON `events` (`series_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `events_county_idx` ON `events` (`county_id`);--> statement-breakpoint
CREATE TABLE `proposal_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`proposal_id` integer NOT NULL,
	`user_id` integer,
	`cluster_id` integer,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `proposal_comments_idx` ON `proposal_comments` (`proposal_id`,`id`);--> statement-breakpoint
CREATE TABLE `proposal_responses` (
	`proposal_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`kind` text NOT NULL,
	`user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proposal_responses_pk` ON `proposal_responses` (`proposal_id`,`cluster_id`,`kind`);--> statement-breakpoint
CREATE TABLE `proposal_themes` (
	`proposal_id` integer NOT NULL,
	`theme_id` integer NOT NULL,
	PRIMARY KEY(`proposal_id`, `theme_id`),
	FOREIGN KEY (`proposal_id`) REFERENCES `proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`theme_id`) REFERENCES `themes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`abstract` text NOT NULL,
	`format` text NOT NULL,
	`audience` text NOT NULL,
	`preferred_from` text NOT NULL,
	`preferred_to` text NOT NULL,
	`cluster_id` integer NOT NULL,
	`created_by` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`decline_reason` text,
	`event_id` integer,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `proposals_status_idx` ON `proposals` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `series` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`rrule` text NOT NULL,
	`time_zone` text NOT NULL,
	`lead_cluster_id` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`lead_cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
