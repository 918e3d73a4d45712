CREATE TABLE "follow_ups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"comment" text,
	"department" text,
	"opened_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"yellow_at" timestamp with time zone,
	"clock_state" text DEFAULT 'pending' NOT NULL,
	"final_level" text,
	"warned_yellow_at" timestamp with time zone,
	"warned_red_at" timestamp with time zone,
	"reminders" integer DEFAULT 0 NOT NULL,
	"closed_at" timestamp with time zone,
	"response" text,
	"responded_by" uuid,
	CONSTRAINT "follow_ups_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
ALTER TABLE "case_ratings" ADD COLUMN "department" text;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_responded_by_users_id_fk" FOREIGN KEY ("responded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_ups_open_idx" ON "follow_ups" USING btree ("department","due_at") WHERE "follow_ups"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "follow_ups_opened_idx" ON "follow_ups" USING btree ("opened_at");