// Dates in queries: a China date means that whole day (from its midnight, up to the next midnight), an
// instant means itself. Ranges are [from, to).
import { CHINA_OFFSET_MINUTES } from '../process/calendar.ts';
import type { FieldError } from './problem.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const OFFSET_MS = CHINA_OFFSET_MINUTES * 60_000;

/** The instant a query date starts at (`end`: the instant it ends at), or undefined when it is no date. */
export function instantOf(text: string, end: boolean): Date | undefined {
  if (DAY.test(text)) {
    const midnight = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== text) return undefined;
    return new Date(midnight - OFFSET_MS + (end ? 86_400_000 : 0));
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** A [from, to) pair of query dates, with every problem named by its query field. */
export function rangeOf(
  query: Record<string, unknown>,
  fromField: string,
  toField: string,
  errors: FieldError[],
): { from?: Date; to?: Date } {
  const read = (field: string, end: boolean) => {
    const text = query[field];
    if (typeof text !== 'string') return undefined;
    const at = instantOf(text, end);
    if (!at) errors.push({ field: `querystring.${field}`, message: 'is not a real date or instant' });
    return at;
  };
  const from = read(fromField, false);
  const to = read(toField, true);
  if (from && to && from >= to) {
    errors.push({ field: `querystring.${toField}`, message: `must be after ${fromField}` });
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
