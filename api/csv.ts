// CSV for spreadsheets: RFC 4180 (CRLF line ends; a field with a comma, quote or line break is quoted, its
// quotes doubled), UTF-8 with a byte-order mark so Excel opens Chinese names correctly. A field starting
// with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula (CSV injection).
export type CsvValue = string | number | boolean | null | undefined;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
