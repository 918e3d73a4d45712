// Working-day calendars (admin): publish a year's holidays and make-up working days as the State Council
// announces them each November, and regional additions (a city's local days off). New cases use the new
// calendar; running ones get it delivered (api/calendar-delivery.ts) before the publication answers.

import { Type } from 'typebox';
import {
  CalendarRangeError,
  type CalendarYear,
  type LocalCalendar,
  mergeCalendars,
  validateCalendar,
  type WorkingCalendar,
} from '../../process/calendar.ts';
import { deliverCalendar } from '../calendar-delivery.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { conflict, type FieldError, invalid, notFound } from '../problem.ts';
import { CalendarView, PublishedYearView, RegionBody, RegionCode, YearBody } from '../schemas/calendars.ts';
import { problems } from '../schemas/common.ts';

/** Every problem of a calendar at once, as a 400. */
function refuseInvalid(calendar: WorkingCalendar): void {
  const found = validateCalendar(calendar);
  if (found.length === 0) return;
  const errors: FieldError[] = found.map((p) => ({ field: p.path || 'calendar', message: p.message }));
  throw invalid(
    'invalid-calendar',
    'Invalid calendar',
    `The calendar has ${found.length} problem(s).`,
    errors,
  );
}

export function calendarRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/calendars',
    {
      schema: {
        tags: ['calendars'],
        summary: 'Calendar regions and their published years',
        response: {
          200: Type.Array(
            Type.Object({
              region: Type.String(),
              extends: Type.Union([Type.String(), Type.Null()]),
              years: Type.Array(Type.String()),
            }),
          ),
          ...problems(401),
        },
      },
    },
    async () => deps.calendars.regions(),
  );

  app.get(
    '/api/calendars/:region',
    {
      schema: {
        tags: ['calendars'],
        summary: "A region's effective working-day calendar",
        params: Type.Object({ region: RegionCode }),
        response: { 200: CalendarView, ...problems(401, 404) },
      },
    },
    async (request) => {
      const calendar = await deps.calendars.effective(request.params.region);
      if (!calendar) throw notFound('region', `There is no calendar for region ${request.params.region}.`);
      return calendar;
    },
  );

  app.post(
    '/api/calendars/years',
    {
      preValidation: requireRole('admin'),
      schema: {
        tags: ['calendars'],
        summary: "Publish a year's days off and make-up working days for a region",
        description:
          "For 'CN': the State Council's notice. For a region: its additional days off (a region may add " +
          'days off, never remove national ones). Every problem is listed at once. The new calendar is ' +
          'then delivered to the running cases of the region and of the regions extending it: their ' +
          'deadlines that were unknown (past the last published year) become known. The answer says how ' +
          'many cases took it, and lists any that did not answer (publishing the year again reaches them).',
        body: YearBody,
        response: { 200: PublishedYearView, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { region, year, offDays, makeupWorkdays } = request.body;
      const stored = await deps.calendars.stored(region);
      if (!stored) {
        throw invalid('unknown-region', 'Unknown region', `There is no calendar region ${region}.`, [
          {
            field: 'body.region',
            message: `is not a calendar region (known: ${(await deps.calendars.regions()).map((r) => r.region).join(', ')})`,
          },
        ]);
      }
      const days: CalendarYear = { offDays, makeupWorkdays };
      const candidate = { ...stored.calendar, years: { ...(stored.calendar.years ?? {}), [year]: days } };
      let effective: WorkingCalendar;
      try {
        effective = stored.extends
          ? mergeCalendars((await deps.calendars.effective(stored.extends))!, candidate as LocalCalendar)
          : (candidate as WorkingCalendar);
      } catch (error) {
        if (!(error instanceof CalendarRangeError)) throw error;
        throw invalid(
          'invalid-calendar',
          'Invalid calendar',
          `${stored.extends} has no published ${year} yet.`,
          [{ field: 'body.year', message: `publish ${year} for ${stored.extends} first` }],
        );
      }
      refuseInvalid(effective);
      await deps.calendars.putYear(region, year, days);
      const runningCases = await deliverCalendar(deps, region, currentUser(request).id);
      const { failed, ...counts } = runningCases;
      request.log.info(
        { region, year, ...counts, failed: failed.length },
        'calendar delivered to running cases',
      );
      return { ...(await deps.calendars.effective(region))!, runningCases };
    },
  );

  app.post(
    '/api/calendars/regions',
    {
      preValidation: requireRole('admin'),
      schema: {
        tags: ['calendars'],
        summary: 'Create a regional calendar extending another (e.g. CN-ZJ-HZ extends CN)',
        body: RegionBody,
        response: { 201: CalendarView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { region, extends: base, officeHours } = request.body;
      if (await deps.calendars.stored(region))
        throw conflict('region-exists', 'Region exists', `${region} exists already.`);
      if (!(await deps.calendars.stored(base))) {
        throw invalid('unknown-region', 'Unknown region', `There is no calendar region ${base}.`, [
          { field: 'body.extends', message: 'is not a calendar region' },
        ]);
      }
      const local: LocalCalendar = {
        region,
        extends: base,
        years: {},
        ...(officeHours ? { officeHours } : {}),
      };
      const merged = mergeCalendars((await deps.calendars.effective(base))!, local);
      refuseInvalid(merged);
      await deps.calendars.createRegion(local);
      return reply.status(201).send((await deps.calendars.effective(region))!);
    },
  );
}
