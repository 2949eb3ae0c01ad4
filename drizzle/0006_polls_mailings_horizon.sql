CREATE TABLE `horizon_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`user_id` integer,
	`cluster_id` integer,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `horizon_items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `horizon_item_themes` (
	`item_id` integer NOT NULL,
	`theme_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `theme_id`),
	FOREIGN KEY (`item_id`) REFERENCES `horizon_items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`theme_id`) REFERENCES `themes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `horizon_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`summary` text NOT NULL,
	`source` text NOT NULL,
	`deadline` text,
	`cluster_id` integer,
	`created_by` integer,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `horizon_items_uid_unique` ON `horizon_items` (`uid`);--> statement-breakpoint
CREATE INDEX `horizon_deadline_idx` ON `horizon_items` (`deadline`);--> statement-breakpoint
CREATE TABLE `horizon_relevance` (
	`item_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`user_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `horizon_items`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `horizon_relevance_pk` ON `horizon_relevance` (`item_id`,`cluster_id`);--> statement-breakpoint
CREATE TABLE `invitation_deliveries` (
	`event_id` integer NOT NULL,
	`subscriber_id` integer NOT NULL,
	`via_cluster_id` integer,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `subscriber_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`via_cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invitation_shares` (
	`event_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`shared_by_cluster_id` integer NOT NULL,
	`shared_at` integer NOT NULL,
	`passed_on_at` integer,
	PRIMARY KEY(`event_id`, `cluster_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`shared_by_cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `newsletters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`cluster_id` integer,
	`theme_slugs` text NOT NULL,
	`cluster_slugs` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`sent_html` text,
	`sent_text` text,
	`recipients` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `poll_answers` (
	`slot_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`user_id` integer,
	`answer` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`slot_id`, `cluster_id`),
	FOREIGN KEY (`slot_id`) REFERENCES `poll_slots`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `poll_clusters` (
	`poll_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `cluster_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `poll_clusters_cluster_idx` ON `poll_clusters` (`cluster_id`);--> statement-breakpoint
CREATE TABLE `poll_slots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `poll_slots_poll_idx` ON `poll_slots` (`poll_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `polls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`duration_minutes` integer NOT NULL,
	`time_zone` text DEFAULT 'Europe/Stockholm' NOT NULL,
	`organiser_cluster_id` integer NOT NULL,
	`venue_name` text,
	`online_url` text,
	`closes_at` integer NOT NULL,
	`final_slot_id` integer,
	`event_id` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`finalised_at` integer,
	FOREIGN KEY (`organiser_cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `subscriber_clusters` (
	`subscriber_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	PRIMARY KEY(`subscriber_id`, `cluster_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriber_clusters_cluster_idx` ON `subscriber_clusters` (`cluster_id`);--> statement-breakpoint
CREATE TABLE `subscriber_themes` (
	`subscriber_id` integer NOT NULL,
	`theme_id` integer NOT NULL,
	PRIMARY KEY(`subscriber_id`, `theme_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscribers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`theme_id`) REFERENCES `themes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriber_themes_theme_idx` ON `subscriber_themes` (`theme_id`);--> statement-breakpoint
CREATE TABLE `subscribers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`language` text DEFAULT 'sv' NOT NULL,
	`token` text NOT NULL,
	`confirmed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_email_unique` ON `subscribers` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscribers_token_unique` ON `subscribers` (`token`);