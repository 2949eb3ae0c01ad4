ALTER TABLE `invitation_deliveries` RENAME TO `announcement_deliveries`;--> statement-breakpoint
ALTER TABLE `invitation_shares` RENAME TO `announcement_shares`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_announcement_deliveries` (
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
INSERT INTO `__new_announcement_deliveries`("event_id", "subscriber_id", "via_cluster_id", "sent_at") SELECT "event_id", "subscriber_id", "via_cluster_id", "sent_at" FROM `announcement_deliveries`;--> statement-breakpoint
DROP TABLE `announcement_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_announcement_deliveries` RENAME TO `announcement_deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_announcement_shares` (
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
INSERT INTO `__new_announcement_shares`("event_id", "cluster_id", "shared_by_cluster_id", "shared_at", "passed_on_at") SELECT "event_id", "cluster_id", "shared_by_cluster_id", "shared_at", "passed_on_at" FROM `announcement_shares`;--> statement-breakpoint
DROP TABLE `announcement_shares`;--> statement-breakpoint
ALTER TABLE `__new_announcement_shares` RENAME TO `announcement_shares`;