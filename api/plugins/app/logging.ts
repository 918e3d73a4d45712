// The API's logger options: whatever the entry point asked for (level, destination), plus what keeps personal
// data out of every line: pino redaction of credentials, tracking codes and the personal fields of cases,
// query-string values outside a short list of harmless filters, and errors serialised through
// db/safe-error.ts (a database error quotes its parameters: a whole application).
import type { FastifyServerOptions } from 'fastify';
import { safeError } from '../../../db/safe-error.ts';

/** Personal or secret fields, wherever a log call puts them (top level or up to three levels down). */
const FIELDS = [
  'application',
  'outputs',
  'data',
  'inputs',
  'opinion',
  'reasons',
  'idNumber',
  'phone',
  'name',
  'displayName',
  'address',
  'legalRepresentative',
  'trackingCode',
  'token',
  'password',
  'secret',
  'comment',
];

const HEADERS = ['authorization', 'cookie', 'x-tracking-code', 'x-signature', 'set-cookie'];

export const REDACTED_PATHS = [
  ...HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`, `headers["${h}"]`]),
  ...FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
  'body',
  '*.body',
];

/** Query parameters whose values are filters, never personal data; others are logged as "[redacted]". */
const HARMLESS_QUERY = new Set(['status', 'overdue', 'limit', 'department', 'caseNo', 'round']);

export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const safe = [...params].map(([k, v]) => `${k}=${HARMLESS_QUERY.has(k) ? v : '[redacted]'}`);
  return `${url.slice(0, q)}?${safe.join('&')}`;
}

interface RequestLike {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

type LoggerOption = FastifyServerOptions['logger'];

const loggable = (error: Error) => {
  const safe = safeError(error);
  return { ...safe, stack: safe.stack ?? '' };
};

export function safeLoggerOptions(logger: LoggerOption): LoggerOption {
  if (!logger) return false;
  const given = logger === true ? {} : logger;
  return {
    ...given,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      ...given.serializers,
      err: loggable,
      error: loggable,
      req: (request: RequestLike) => ({
        method: request.method,
        url: safeUrl(request.url),
        host: request.hostname,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}
