// Working days left before a deadline, counted on the published calendar (weekends and holidays off,
// make-up working days on), in China time, the way the clocks count them.
import { useQuery } from '@tanstack/react-query';
import { get } from '../shared/api.ts';
import { chinaToday, day, shortDateTime } from '../shared/time.ts';

export interface CalendarView {
  region: string;
  officeHours: { start: string; end: string };
  years: Record<string, { offDays: string[]; makeupWorkdays: string[] }>;
}

export function useCalendar(region = 'CN') {
  return useQuery({
    queryKey: ['calendar', region],
    queryFn: () => get<CalendarView>(`/api/calendars/${encodeURIComponent(region)}`),
    staleTime: 60 * 60_000,
  });
}

export function isWorkingDay(date: string, calendar: CalendarView | undefined): boolean {
  const year = calendar?.years[date.slice(0, 4)];
  if (year?.makeupWorkdays.includes(date)) return true;
  if (year?.offDays.includes(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Working days after today up to and including the deadline's day. */
export function workingDaysLeft(
  deadline: string,
  calendar: CalendarView | undefined,
  now = new Date(),
): number {
  const last = day(deadline);
  let count = 0;
  for (let d = nextDay(chinaToday(now)); d <= last; d = nextDay(d)) if (isWorkingDay(d, calendar)) count++;
  return count;
}

export type TimeLeft =
  | { kind: 'overdue' }
  | { kind: 'today'; at: string }
  | { kind: 'days'; days: number; at: string }
  | { kind: 'none' };

export function timeLeft(
  deadline: string | null,
  calendar: CalendarView | undefined,
  now = new Date(),
): TimeLeft {
  if (!deadline) return { kind: 'none' };
  if (Date.parse(deadline) <= now.getTime()) return { kind: 'overdue' };
  if (day(deadline) === chinaToday(now)) return { kind: 'today', at: shortDateTime(deadline).slice(6) };
  return { kind: 'days', days: workingDaysLeft(deadline, calendar, now), at: shortDateTime(deadline) };
}
