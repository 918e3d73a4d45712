// Delivers a published calendar to the running cases that count with it: the region's own cases and those
// of every region extending it (a national year changes a city's calendar too). Each case gets its
// region's new effective calendar in a publishCalendar Update, recorded in its history, so replay counts
// with the same calendar; the workflow records the deadlines that became known and the read model shows
// them. Cases go a page at a time, a few at once (the Temporal server and the worker are shared with the
// cases' own work); a case that does not answer is tried again and, if it still does not, reported by its
// number, never skipped silently. Publishing the same year again delivers to whatever was missed: cases
// that have the calendar already answer 'calendar-current' and record nothing.
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { CalendarStore } from '../db/calendars.ts';
import type { Db } from '../db/client.ts';
import { isRunning, type RunningCase, runningCasesOf } from '../db/running-cases.ts';
import type { WorkingCalendar } from '../process/calendar.ts';
import { canonicalJson } from '../process/canonical-json.ts';
import { calendarUpdate } from '../workflows/messages.ts';
import { Problem } from './problem.ts';
import { sendUpdate } from './updates.ts';

export interface CalendarDelivery {
  /** Running cases offered the calendar. */
  cases: number;
  /** Cases that took it. */
  updated: number;
  /** Deadlines (a case's promise, a step's clock) it made known or moved. */
  deadlines: number;
  /** Cases that counted with it already, or with a newer one. */
  current: number;
  /** Cases that closed meanwhile, or have no clocks. */
  skipped: number;
  /** Cases that did not take it after every attempt: publish the year again to deliver to them. */
  failed: { caseId: string; caseNo: string; problem: string }[];
}

export interface DeliveryOptions {
  /** Cases read per page. */
  pageSize?: number;
  /** Updates in flight at once. */
  concurrency?: number;
  /** Tries per case (each bounded by waitMs) before it is reported as failed. */
  attempts?: number;
  /** Wait per try, the server's transient refusals retried within it. */
  waitMs?: number;
}

export interface DeliveryDeps {
  db: Db;
  client: Client;
  calendars: CalendarStore;
  /** This deployment's region: cases accepted before regions were recorded count with it. */
  calendarRegion: string;
}

const DEFAULTS: Required<DeliveryOptions> = { pageSize: 200, concurrency: 8, attempts: 3, waitMs: 10_000 };

/** Refusals that mean "this case needs nothing": not a failure. */
const CURRENT = new Set(['calendar-current', 'calendar-stale']);
const SKIPPED = new Set(['no-clocks', 'other-region']);

/** The region and every region extending it, directly or through another. */
async function regionsCountingWith(calendars: CalendarStore, region: string): Promise<string[]> {
  const all = await calendars.regions();
  const found = [region];
  for (let i = 0; i < found.length; i++) {
    for (const r of all) if (r.extends === found[i] && !found.includes(r.region)) found.push(r.region);
  }
  return found;
}

/**
 * One Update id per delivery and calendar content: a retry within the delivery is applied once. A later
 * delivery has its own id (Temporal would answer a reused one with the first outcome, unasked), and finds
 * out from the workflow's validator whether the case has the calendar already.
 */
function updateIdOf(delivery: string, calendar: WorkingCalendar): string {
  const content = createHash('sha256').update(canonicalJson(calendar)).digest('hex').slice(0, 32);
  return `calendar-${content}-${delivery}`;
}

export async function deliverCalendar(
  deps: DeliveryDeps,
  publishedRegion: string,
  actor: string,
  options: DeliveryOptions = {},
): Promise<CalendarDelivery> {
  const o = { ...DEFAULTS, ...options };
  const result: CalendarDelivery = { cases: 0, updated: 0, deadlines: 0, current: 0, skipped: 0, failed: [] };
  const delivery = randomUUID();
  for (const region of await regionsCountingWith(deps.calendars, publishedRegion)) {
    const calendar = await deps.calendars.effective(region);
    if (!calendar) continue;
    const updateId = updateIdOf(delivery, calendar);
    const offer = async (kase: RunningCase) => {
      result.cases++;
      let problem = '';
      for (let attempt = 1; attempt <= o.attempts; attempt++) {
        try {
          const answer = await sendUpdate(
            deps.client,
            kase,
            calendarUpdate,
            { calendar, actor },
            { updateId, waitMs: o.waitMs },
          );
          result.updated++;
          result.deadlines += answer.deadlines;
          return;
        } catch (error) {
          if (error instanceof Problem && CURRENT.has(error.code)) return void result.current++;
          if (error instanceof Problem && SKIPPED.has(error.code)) return void result.skipped++;
          // 'case-closed' is also the answer while a just-accepted case's workflow is not started yet.
          if (
            error instanceof Problem &&
            error.code === 'case-closed' &&
            !(await isRunning(deps.db, kase.id))
          )
            return void result.skipped++;
          problem = error instanceof Problem ? error.code : (error as Error).name;
          if (attempt < o.attempts) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
        }
      }
      result.failed.push({ caseId: kase.id, caseNo: kase.caseNo, problem });
    };
    let after: RunningCase | undefined;
    for (;;) {
      const page = await runningCasesOf(deps.db, [region], region === deps.calendarRegion, after, o.pageSize);
      if (page.length === 0) break;
      await inParallel(page, o.concurrency, offer);
      after = page.at(-1);
    }
  }
  return result;
}

/** Runs `work` over `items`, at most `limit` at once. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
