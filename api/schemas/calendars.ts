// Working-day calendars: a year of the national schedule, a region's additions, the merged view.
import { Type } from 'typebox';

/** A calendar region: CN (the national schedule) or a region extending it, such as CN-ZJ-HZ. */
export const RegionCode = Type.String({
  pattern: '^CN(-[A-Z0-9]{1,12})*$',
  maxLength: 40,
  description: 'a calendar region: CN, or a region extending it such as CN-ZJ-HZ',
});

export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const YearBody = Type.Object(
  {
    region: RegionCode,
    year: Type.String({ pattern: '^\\d{4}$' }),
    offDays: Type.Array(Day, { maxItems: 120 }),
    makeupWorkdays: Type.Array(Day, { maxItems: 60 }),
  },
  { additionalProperties: false },
);

export const RegionBody = Type.Object(
  {
    region: Type.String({ pattern: '^CN(-[A-Z0-9]{1,12})+$' }),
    extends: RegionCode,
    officeHours: Type.Optional(
      Type.Object(
        {
          start: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
          end: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
        },
        // Nothing else goes into the stored calendar (a key with a NUL was a 500 from the database).
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const CalendarView = Type.Object({
  region: Type.String(),
  timeZoneOffsetMinutes: Type.Integer(),
  officeHours: Type.Object({ start: Type.String(), end: Type.String() }),
  years: Type.Record(
    Type.String(),
    Type.Object({ offDays: Type.Array(Type.String()), makeupWorkdays: Type.Array(Type.String()) }),
  ),
});

/** What publishing a year did to the running cases that count with it (api/calendar-delivery.ts). */
export const CalendarDeliveryView = Type.Object({
  cases: Type.Integer({ description: 'Running cases offered the new calendar' }),
  updated: Type.Integer({ description: 'Cases that took it' }),
  deadlines: Type.Integer({ description: 'Deadlines it made known or moved' }),
  current: Type.Integer({ description: 'Cases that counted with it (or a newer one) already' }),
  skipped: Type.Integer({ description: 'Cases that closed meanwhile, or have no clocks' }),
  failed: Type.Array(Type.Object({ caseId: Type.String(), caseNo: Type.String(), problem: Type.String() }), {
    description: 'Cases that did not answer after every attempt: publish the year again to reach them',
  }),
});

/** The region's calendar as published, and what the publication did to the running cases. */
export const PublishedYearView = Type.Object({
  ...CalendarView.properties,
  runningCases: CalendarDeliveryView,
});
