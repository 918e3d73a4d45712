CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"department" text,
	"purpose" text NOT NULL,
	"fields" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"case_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"step_id" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"opinion" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "case_events_case_id_seq_pk" PRIMARY KEY("case_id","seq")
);
--> statement-breakpoint
CREATE TABLE "case_materials" (
	"case_id" uuid NOT NULL,
	"material_id" text NOT NULL,
	"upload_id" uuid NOT NULL,
	"attached_by" uuid NOT NULL,
	"attached_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_materials_case_id_material_id_upload_id_pk" PRIMARY KEY("case_id","material_id","upload_id")
);
--> statement-breakpoint
CREATE TABLE "case_number_counters" (
	"day" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_steps" (
	"case_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"department" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"outputs" jsonb,
	"opinion" text,
	"reasons" jsonb,
	"decided_by" text,
	"dispatched_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"supplement_items" jsonb,
	"special_stage" jsonb,
	"owed" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owed_by" timestamp with time zone,
	"incident" text,
	"promised_deadline" timestamp with time zone,
	"statutory_deadline" timestamp with time zone,
	"yellow_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "case_steps_case_id_step_id_pk" PRIMARY KEY("case_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"process_id" text NOT NULL,
	"process_version" integer NOT NULL,
	"status" text NOT NULL,
	"application" jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"submitted_by" uuid NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "cases_case_no_unique" UNIQUE("case_no")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"outcome" text NOT NULL,
	"results" jsonb NOT NULL,
	"ready_at" timestamp with time zone NOT NULL,
	"method" text,
	"note" text,
	"handed_over_by" uuid,
	"handed_over_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "process_definitions" (
	"process_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "process_definitions_process_id_version_pk" PRIMARY KEY("process_id","version")
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"content_type" text NOT NULL,
	"filename" text NOT NULL,
	"uploaded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"department" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "access_log" ADD CONSTRAINT "access_log_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_materials" ADD CONSTRAINT "case_materials_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_materials" ADD CONSTRAINT "case_materials_upload_id_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."uploads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_steps" ADD CONSTRAINT "case_steps_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_log_case_idx" ON "access_log" USING btree ("case_id","at");--> statement-breakpoint
CREATE INDEX "case_steps_worklist_idx" ON "case_steps" USING btree ("department","status","dispatched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_idempotency_idx" ON "cases" USING btree ("submitted_by","idempotency_key") WHERE "cases"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("status","submitted_at");