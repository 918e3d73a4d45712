// Times are shown as the offices count them: China time, whatever the browser's own zone.
const ZONE = 'Asia/Shanghai';

function parts(iso: string): Record<string, string> {
  const formatted = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  return Object.fromEntries(formatted.map((p) => [p.type, p.value]));
}

/** 2026-11-28: the day in China (the reports' days) */
export function chinaDay(date: Date = new Date()): string {
  const p = parts(date.toISOString());
  return `${p.year}-${p.month}-${p.day}`;
}

/** 2026-11-28 10:02 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** 11-28 10:02 */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(iso);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** 2026-11-28 */
export function day(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Today's date in China, YYYY-MM-DD. */
export function chinaToday(now = new Date()): string {
  return day(now.toISOString());
}
