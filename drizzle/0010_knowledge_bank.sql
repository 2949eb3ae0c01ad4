CREATE TABLE `event_documentation` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `feedback_answers` (
	`id` integer PRIMARY KEY NOT NULL,
	`event_id` integer NOT NULL,
	`overall` integer NOT NULL,
	`usefulness` integer NOT NULL,
	`will_use` text NOT NULL,
	`comment` text,
	`extra` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `feedback_answers_event_idx` ON `feedback_answers` (`event_id`);--> statement-breakpoint
CREATE TABLE `feedback_invitations` (
	`registration_id` integer PRIMARY KEY NOT NULL,
	`event_id` integer NOT NULL,
	`token` text NOT NULL,
	`sent_at` integer NOT NULL,
	`reminded_at` integer,
	`answered` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`registration_id`) REFERENCES `registrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_invitations_token_unique` ON `feedback_invitations` (`token`);--> statement-breakpoint
CREATE INDEX `feedback_invitations_event_idx` ON `feedback_invitations` (`event_id`);--> statement-breakpoint
CREATE INDEX `feedback_invitations_due_idx` ON `feedback_invitations` (`answered`,`sent_at`);--> statement-breakpoint
CREATE TABLE `feedback_opt_outs` (
	`email_hash` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feedback_surveys` (
	`event_id` integer PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`questions` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `materials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`url` text,
	`sha256` text,
	`size` integer,
	`content_type` text,
	`filename` text,
	`text` text,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `materials_event_idx` ON `materials` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `materials_sha_idx` ON `materials` (`sha256`);