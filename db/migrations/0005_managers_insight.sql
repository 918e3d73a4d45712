CREATE TABLE "case_applicants" (
	"case_id" uuid NOT NULL,
	"identifier_hash" text NOT NULL,
	CONSTRAINT "case_applicants_case_id_identifier_hash_pk" PRIMARY KEY("case_id","identifier_hash")
);
--> statement-breakpoint
CREATE TABLE "sla_case_daily" (
	"day" date NOT NULL,
	"process_id" text NOT NULL,
	"department" text NOT NULL,
	"opened" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"partially_completed" integer DEFAULT 0 NOT NULL,
	"denied" integer DEFAULT 0 NOT NULL,
	"withdrawn" integer DEFAULT 0 NOT NULL,
	"terminated" integer DEFAULT 0 NOT NULL,
	"promised" integer DEFAULT 0 NOT NULL,
	"promise_kept" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_case_daily_department_day_process_id_pk" PRIMARY KEY("department","day","process_id")
);
--> statement-breakpoint
CREATE TABLE "sla_step_daily" (
	"day" date NOT NULL,
	"process_id" text NOT NULL,
	"step_id" text NOT NULL,
	"department" text NOT NULL,
	"ended" integer DEFAULT 0 NOT NULL,
	"approved" integer DEFAULT 0 NOT NULL,
	"denied" integer DEFAULT 0 NOT NULL,
	"terminated" integer DEFAULT 0 NOT NULL,
	"working_ms" bigint DEFAULT 0 NOT NULL,
	"supplement_ms" bigint DEFAULT 0 NOT NULL,
	"supplemented" integer DEFAULT 0 NOT NULL,
	"late" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_step_daily_day_process_id_step_id_pk" PRIMARY KEY("day","process_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "sla_step_histogram" (
	"grain" text NOT NULL,
	"day" date NOT NULL,
	"process_id" text NOT NULL,
	"step_id" text NOT NULL,
	"department" text NOT NULL,
	"bucket" integer NOT NULL,
	"steps" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sla_step_histogram_grain_day_process_id_step_id_bucket_pk" PRIMARY KEY("grain","day","process_id","step_id","bucket")
);
--> statement-breakpoint
DROP INDEX "cases_status_idx";--> statement-breakpoint
ALTER TABLE "case_steps" ADD COLUMN "assignee" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "yellow_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "lead" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "case_applicants" ADD CONSTRAINT "case_applicants_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_applicants_hash_idx" ON "case_applicants" USING btree ("identifier_hash","case_id");--> statement-breakpoint
CREATE INDEX "sla_step_daily_department_idx" ON "sla_step_daily" USING btree ("department","day");--> statement-breakpoint
CREATE INDEX "sla_step_histogram_department_idx" ON "sla_step_histogram" USING btree ("grain","department","day");--> statement-breakpoint
CREATE INDEX "case_steps_pending_idx" ON "case_steps" USING btree ("department",coalesce("promised_deadline", "statutory_deadline", 'infinity'::timestamptz),"dispatched_at","case_id","step_id") WHERE "case_steps"."status" = 'awaiting_decision';--> statement-breakpoint
CREATE INDEX "case_steps_assignee_idx" ON "case_steps" USING btree ("assignee",coalesce("promised_deadline", "statutory_deadline", 'infinity'::timestamptz),"dispatched_at","case_id","step_id") WHERE "case_steps"."status" = 'awaiting_decision' and "case_steps"."assignee" is not null;--> statement-breakpoint
CREATE INDEX "case_steps_running_clock_idx" ON "case_steps" USING btree ("promised_deadline","yellow_at") WHERE "case_steps"."status" = 'awaiting_decision';--> statement-breakpoint
CREATE INDEX "cases_submitted_idx" ON "cases" USING btree ("submitted_at","id");--> statement-breakpoint
CREATE INDEX "cases_process_idx" ON "cases" USING btree ("process_id","submitted_at","id");--> statement-breakpoint
CREATE INDEX "cases_deadline_idx" ON "cases" USING btree (coalesce("promised_deadline", 'infinity'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "cases_closed_idx" ON "cases" USING btree ("closed_at","id") WHERE "cases"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "cases_case_no_prefix_idx" ON "cases" USING btree ("case_no" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "cases_running_clock_idx" ON "cases" USING btree ("promised_deadline","yellow_at") WHERE "cases"."status" = 'running';--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status","submitted_at","id");