CREATE TABLE "sla_step_backlog" (
	"grain" text NOT NULL,
	"due" timestamp with time zone NOT NULL,
	"process_id" text NOT NULL,
	"step_id" text NOT NULL,
	"department" text NOT NULL,
	"steps" integer NOT NULL,
	CONSTRAINT "sla_step_backlog_grain_due_process_id_step_id_department_pk" PRIMARY KEY("grain","due","process_id","step_id","department")
);
--> statement-breakpoint
CREATE INDEX "sla_step_histogram_report_idx" ON "sla_step_histogram" USING btree ("grain","day","process_id","step_id","department","bucket","steps");--> statement-breakpoint
-- The steps already waiting when this migration runs; from now on the projection's statement keeps the
-- backlog (db/sla-backlog.ts).
INSERT INTO sla_step_backlog (grain, due, process_id, step_id, department, steps)
SELECT g.grain, date_trunc(g.grain, s.promised_deadline, 'UTC'), s.process_id, s.step_id, s.department, count(*)::int
FROM case_steps s CROSS JOIN (VALUES ('month'), ('day'), ('hour')) AS g (grain)
WHERE s.status = 'awaiting_decision' AND s.promised_deadline IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
