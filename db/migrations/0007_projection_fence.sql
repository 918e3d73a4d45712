ALTER TABLE "case_events" ADD COLUMN "fence" integer;
--> statement-breakpoint
-- The trail stays append-only, with one exception: the events of a workflow task that died after writing
-- them (before the Temporal server recorded the task) never happened in the case's history; the task's
-- retry writes their replacement and, in the same transaction, removes them (db/superseded-events.ts)
-- through supersede_case_events, which names the case in a transaction-local setting the trigger checks.
-- It removes only a case's tail written by an older workflow task (a lower fence). Nothing can UPDATE a
-- row. The function runs with its owner's rights, so an application role without DELETE on the trail
-- (db/roles.ts) can still do this, and only this. A removal made any other way is caught by the verify
-- endpoint, which compares the trail with the chain heads the case's workflow holds in its history.
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
--> statement-breakpoint
CREATE FUNCTION supersede_case_events(p_case uuid, p_from integer, p_fence integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  removed integer;
BEGIN
  IF EXISTS (SELECT 1 FROM case_events WHERE case_id = p_case AND seq >= p_from AND coalesce(fence, 0) >= p_fence) THEN
    RAISE EXCEPTION 'case_events from seq % were written by a task at least as new as fence %', p_from, p_fence;
  END IF;
  PERFORM set_config('yjs.superseding_case', p_case::text, true);
  DELETE FROM case_events WHERE case_id = p_case AND seq >= p_from;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('yjs.superseding_case', '', true);
  RETURN removed;
END;
$$;
