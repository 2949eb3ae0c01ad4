ALTER TABLE `events` ADD `online_url_public` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `visibility` text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `registration_enabled` integer DEFAULT true NOT NULL;