ALTER TABLE "case_events" ADD COLUMN "fence" integer;
--> statement-breakpoint
-- The trail stays append-only, with one exception: the events of a workflow task that died after writing
-- them (before the Temporal server recorded the task) never happened in the case's history; the task's
-- retry writes their replacement and, in the same transaction, removes them (db/superseded-events.ts),
-- naming the case in a transaction-local setting. Nothing can UPDATE a row. A removal made any other way
-- is caught by the verify endpoint, which compares the trail's last hash with the one the case's workflow
-- holds in its own history.
CREATE FUNCTION case_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('yjs.superseding_case', true) = OLD.case_id::text THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
DROP TRIGGER case_events_append_only ON case_events;
--> statement-breakpoint
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION case_events_refuse_change();
