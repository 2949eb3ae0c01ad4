CREATE TABLE `event_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`choices` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `event_questions_event_idx` ON `event_questions` (`event_id`,`position`);--> statement-breakpoint
CREATE TABLE `registration_answers` (
	`registration_id` integer NOT NULL,
	`question_id` integer NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`registration_id`, `question_id`),
	FOREIGN KEY (`registration_id`) REFERENCES `registrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`question_id`) REFERENCES `event_questions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `registration_answers_question_idx` ON `registration_answers` (`question_id`);