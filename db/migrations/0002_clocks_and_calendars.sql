CREATE TABLE "calendars" (
	"region" text PRIMARY KEY NOT NULL,
	"extends" text,
	"calendar" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_steps" ADD COLUMN "deadline_note" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "promised_deadline" timestamp with time zone;