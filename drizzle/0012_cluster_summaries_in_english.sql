ALTER TABLE `clusters` ADD `summary_en` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `clusters` ADD `profile_edited_at` integer;