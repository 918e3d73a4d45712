CREATE TABLE "incidents" (
	"case_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"round" integer NOT NULL,
	"department" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"retrying" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "incidents_case_id_step_id_round_pk" PRIMARY KEY("case_id","step_id","round")
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;