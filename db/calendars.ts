// Working-day calendars per region, as data: the State Council's national schedule ('CN', shipped in
// processes/calendars and updated each November through the admin API) and regional additions.
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import {
  type CalendarYear,
  calendarFromStateCouncilJson,
  type LocalCalendar,
  mergeCalendars,
  type StateCouncilHolidayJson,
  type WorkingCalendar,
} from '../process/calendar.ts';
import type { Db } from './client.ts';
import { calendars } from './schema.ts';

export const NATIONAL = 'CN';

export function bundledNationalCalendar(): WorkingCalendar {
  const json = JSON.parse(
    readFileSync(new URL('../processes/calendars/CN.json', import.meta.url), 'utf8'),
  ) as StateCouncilHolidayJson;
  return calendarFromStateCouncilJson(json, NATIONAL);
}

/** Effective calendars are cached briefly: intake reads one per case. */
const CACHE_MS = 30_000;

export class CalendarStore {
  private readonly cache = new Map<string, { calendar: WorkingCalendar; until: number }>();

  constructor(private readonly db: Db) {}

  /** Stores the bundled national calendar, adding any year the database does not have yet. */
  async seed(bundled = bundledNationalCalendar()): Promise<void> {
    const stored = await this.row(NATIONAL);
    if (!stored) {
      await this.db.insert(calendars).values({ region: NATIONAL, calendar: bundled }).onConflictDoNothing();
      return;
    }
    const current = stored.calendar as WorkingCalendar;
    const missing = Object.keys(bundled.years).filter((y) => !(y in current.years));
    if (missing.length > 0) {
      const years = { ...current.years, ...Object.fromEntries(missing.map((y) => [y, bundled.years[y]!])) };
      await this.save(NATIONAL, null, { ...current, years });
    }
  }

  private async row(region: string) {
    const [row] = await this.db.select().from(calendars).where(eq(calendars.region, region));
    return row;
  }

  private async save(
    region: string,
    base: string | null,
    calendar: WorkingCalendar | LocalCalendar,
  ): Promise<void> {
    await this.db
      .insert(calendars)
      .values({ region, extends: base, calendar, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: calendars.region,
        set: { calendar, extends: base, updatedAt: new Date() },
      });
    this.cache.clear();
  }

  async regions(): Promise<{ region: string; extends: string | null; years: string[] }[]> {
    const rows = await this.db.select().from(calendars).orderBy(calendars.region);
    return rows.map((r) => ({
      region: r.region,
      extends: r.extends,
      years: Object.keys((r.calendar as { years?: object }).years ?? {}).sort(),
    }));
  }

  /** The calendar deadlines use in a region (its additions merged onto the national one). */
  async effective(region: string): Promise<WorkingCalendar | undefined> {
    const hit = this.cache.get(region);
    if (hit && hit.until > Date.now()) return hit.calendar;
    const row = await this.row(region);
    if (!row) return undefined;
    let calendar: WorkingCalendar;
    if (row.extends) {
      const base = await this.effective(row.extends);
      if (!base) return undefined;
      calendar = mergeCalendars(base, row.calendar as LocalCalendar);
    } else {
      calendar = row.calendar as WorkingCalendar;
    }
    this.cache.set(region, { calendar, until: Date.now() + CACHE_MS });
    return calendar;
  }

  /** The stored form: a WorkingCalendar for the national region, a LocalCalendar for the others. */
  async stored(
    region: string,
  ): Promise<{ extends: string | null; calendar: WorkingCalendar | LocalCalendar } | undefined> {
    const row = await this.row(region);
    return row
      ? { extends: row.extends, calendar: row.calendar as WorkingCalendar | LocalCalendar }
      : undefined;
  }

  /** Sets one year of a region: the national schedule, or a region's additions. Caller validates first. */
  async putYear(region: string, year: string, days: CalendarYear): Promise<void> {
    const stored = await this.stored(region);
    if (!stored) throw new Error(`unknown region ${region}`);
    const years = { ...(stored.calendar.years ?? {}), [year]: days };
    await this.save(region, stored.extends, { ...stored.calendar, years } as WorkingCalendar | LocalCalendar);
  }

  async createRegion(local: LocalCalendar): Promise<void> {
    await this.save(local.region, local.extends, local);
  }
}
