// Configuration from the environment, read once. Every setting has a default that suits the embedded mode.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://…; absent means embedded PGlite under dataDir. */
  databaseUrl?: string;
  /** host:port of a Temporal server; absent means start an embedded dev server. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalPort?: number;
  temporalUiPort?: number;
  taskQueue: string;
  /** Prefix of human-readable case numbers, e.g. YJS-20261128-000001. */
  caseNoPrefix: string;
  logLevel: string;
  /** Where uploaded materials are stored (content-addressed). */
  materialsDir: string;
  /** Largest material accepted, in bytes. */
  materialMaxBytes: number;
  /** Calendar region deadlines are counted in (e.g. CN, or CN-ZJ-HZ once created). */
  calendarRegion: string;
  /** A promised clock turns yellow when this share of its limit is left… */
  warningFraction?: number;
  /** …or this many working days, whichever comes first. */
  warningWorkingDays?: number;
  /** Where clock warnings are sent (signed JSON); unset means the log. */
  notifyWebhookUrl?: string;
  notifyWebhookSecret?: string;
  /** Departments reached over HTTP: a JSON file or JSON (see activities/integrations.ts). */
  departmentsConfig?: string;
  /** How department systems reach this engine for callbacks; default http://HOST:PORT. */
  publicUrl?: string;
  /** Embedded mode without DEPARTMENTS_CONFIG: simulate Tax and the bank as HTTP-integrated systems. */
  demoSimulator: boolean;
  simulatorPort: number;
  /** Browser sessions end after this many minutes without a request. */
  sessionIdleMinutes: number;
  /** Session cookie always Secure (behind a TLS-terminating proxy that Fastify is not told to trust). */
  cookieSecure: boolean;
  /** Fastify's trustProxy (TRUST_PROXY): true (1), or the proxies' addresses/CIDRs, comma-separated. */
  trustProxy?: boolean | string;
}

function trustProxyOf(value: string | undefined): { trustProxy?: boolean | string } {
  if (value === undefined || value === '' || value === '0' || value === 'false') return {};
  if (value === '1' || value === 'true') return { trustProxy: true };
  return { trustProxy: value };
}

function minutes(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.05 || n > 1440)
    throw new Error(`${name} must be a number of minutes from 0.05 to 1440, got '${value}'`);
  return n;
}

function int(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error(`${name} must be a port number, got '${value}'`);
  return n;
}

function bytes(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive number of bytes, got '${value}'`);
  return n;
}

function number<K extends string>(name: string, value: string | undefined, key: K, min: number, max: number) {
  if (value === undefined || value === '') return {};
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`${name} must be a number from ${min} to ${max}, got '${value}'`);
  return { [key]: n } as Record<K, number>;
}

/** The yellow threshold: the configured one, or 20% of the limit. */
export function warningOf(config: Config) {
  if (config.warningFraction === undefined && config.warningWorkingDays === undefined)
    return { fraction: 0.2 };
  return {
    ...(config.warningFraction !== undefined ? { fraction: config.warningFraction } : {}),
    ...(config.warningWorkingDays !== undefined ? { workingDays: config.warningWorkingDays } : {}),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || './data');
  return {
    port: int('PORT', env.PORT, 3000)!,
    host: env.HOST || '127.0.0.1',
    dataDir,
    materialsDir: resolve(env.MATERIALS_DIR || `${dataDir}/materials`),
    materialMaxBytes: bytes('MATERIAL_MAX_BYTES', env.MATERIAL_MAX_BYTES, 10 * 1024 * 1024),
    calendarRegion: env.CALENDAR_REGION || 'CN',
    ...number('WARNING_FRACTION', env.WARNING_FRACTION, 'warningFraction', 0, 1),
    ...number('WARNING_WORKING_DAYS', env.WARNING_WORKING_DAYS, 'warningWorkingDays', 0, 30),
    ...(env.NOTIFY_WEBHOOK_URL ? { notifyWebhookUrl: env.NOTIFY_WEBHOOK_URL } : {}),
    ...(env.NOTIFY_WEBHOOK_SECRET ? { notifyWebhookSecret: env.NOTIFY_WEBHOOK_SECRET } : {}),
    ...(env.DEPARTMENTS_CONFIG ? { departmentsConfig: env.DEPARTMENTS_CONFIG } : {}),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL.replace(/\/$/, '') } : {}),
    demoSimulator: env.DEMO_SIMULATOR !== '0',
    simulatorPort: int('SIMULATOR_PORT', env.SIMULATOR_PORT, 4100)!,
    sessionIdleMinutes: minutes('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 30),
    cookieSecure: env.COOKIE_SECURE === '1' || env.COOKIE_SECURE === 'true',
    ...trustProxyOf(env.TRUST_PROXY),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.TEMPORAL_ADDRESS ? { temporalAddress: env.TEMPORAL_ADDRESS } : {}),
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    ...(env.TEMPORAL_PORT ? { temporalPort: int('TEMPORAL_PORT', env.TEMPORAL_PORT) } : {}),
    ...(env.TEMPORAL_UI_PORT ? { temporalUiPort: int('TEMPORAL_UI_PORT', env.TEMPORAL_UI_PORT) } : {}),
    taskQueue: env.TASK_QUEUE || 'cases',
    caseNoPrefix: env.CASE_NO_PREFIX || 'YJS',
    logLevel: env.LOG_LEVEL || 'info',
  };
}
