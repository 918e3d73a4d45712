// Configuration: the environment, validated once against one schema (env-schema), and every default of the
// engine in one place. Every setting has a default that suits the embedded mode (`npm start`); the
// distributed topology sets DATABASE_URL and TEMPORAL_ADDRESS. Nothing of the engine is imported here.
import { resolve } from 'node:path';
import envSchema from 'env-schema';
import { type Static, Type } from 'typebox';

/** The engine's defaults, also used by code built without a Config (tests, the bench). */
export const DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data',
  temporalNamespace: 'default',
  temporalPort: 7233,
  temporalUiPort: 8233,
  taskQueue: 'cases',
  caseNoPrefix: 'YJS',
  logLevel: 'info',
  materialMaxBytes: 10 * 1024 * 1024,
  /** How long a case action (a decision, a withdrawal…) waits for its workflow before answering 503. */
  updateWaitMs: 20_000,
  calendarRegion: 'CN',
  /** A promised clock turns yellow when 20% of its limit is left, unless configured otherwise. */
  warning: { fraction: 0.2 } as ClockWarningConfig,
  simulatorPort: 4100,
  /** Browser sessions end after this many minutes without a request. */
  sessionIdleMinutes: 30,
  /** Where department systems send callbacks when PUBLIC_URL is not set (the embedded API). */
  publicUrl: 'http://127.0.0.1:3000',
  /** Per client address (callbacks: per department system's address) in a sliding minute. */
  limits: {
    /** Unknown tokens and sessions; past them every credential from the address waits. */
    authFailures: { max: 20, windowMs: 60_000 },
    /** Bad callback signatures. */
    signatureFailures: { max: 20, windowMs: 60_000 },
    /** Sign-in attempts, right or wrong (wrong ones are also counted per user name, see routes/session.ts). */
    signIn: { max: 60, windowMs: 60_000 },
    /** Tracking requests (failures are also counted per case number, see routes/tracking.ts). */
    tracking: { max: 60, windowMs: 60_000 },
    callbacks: { max: 1200, windowMs: 60_000 },
  } as Limits,
} as const;

export interface Allowance {
  max: number;
  windowMs: number;
}

export interface Limits {
  authFailures: Allowance;
  signatureFailures: Allowance;
  signIn: Allowance;
  tracking: Allowance;
  callbacks: Allowance;
}

export interface ClockWarningConfig {
  fraction?: number;
  workingDays?: number;
}

const Port = (description: string, fallback?: number) =>
  Type.Integer({
    minimum: 0,
    maximum: 65535,
    description,
    ...(fallback !== undefined ? { default: fallback } : {}),
  });
/** One PAYLOAD_KEYS entry: an id, a colon, 32 bytes in base64. */
const PAYLOAD_KEY = '[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/]{43}=';
const Text = (description: string, fallback?: string) =>
  Type.String({ description, ...(fallback !== undefined ? { default: fallback } : {}) });

/** Every environment variable the engine reads. */
export const EnvSchema = Type.Object({
  PORT: Port('API port', DEFAULTS.port),
  HOST: Text('API bind address', DEFAULTS.host),
  DATA_DIR: Text(
    'where the embedded mode keeps PGlite, the Temporal dev server and materials',
    DEFAULTS.dataDir,
  ),
  MATERIALS_DIR: Type.Optional(Text('where uploaded materials are stored (content-addressed)')),
  MATERIAL_MAX_BYTES: Type.Integer({ minimum: 1, default: DEFAULTS.materialMaxBytes }),
  UPDATE_WAIT_MS: Type.Integer({
    minimum: 100,
    default: DEFAULTS.updateWaitMs,
    description: 'how long a case action waits for its workflow before answering 503 with Retry-After',
  }),
  CALENDAR_REGION: Text(
    'calendar region deadlines are counted in (CN, or e.g. CN-ZJ-HZ)',
    DEFAULTS.calendarRegion,
  ),
  WARNING_FRACTION: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  WARNING_WORKING_DAYS: Type.Optional(Type.Number({ minimum: 0, maximum: 30 })),
  NOTIFY_WEBHOOK_URL: Type.Optional(Text('where clock warnings are sent (signed JSON); unset: the log')),
  NOTIFY_WEBHOOK_SECRET: Type.Optional(Text('HMAC secret of the warning webhook')),
  DEPARTMENTS_CONFIG: Type.Optional(Text('departments reached over HTTP: a JSON file or JSON')),
  PUBLIC_URL: Type.Optional(Text('how department systems reach this engine for callbacks')),
  DEMO_SIMULATOR: Text('0 turns off the simulated Tax and bank systems of the embedded mode', '1'),
  SIMULATOR_PORT: Port('port of the embedded department simulator', DEFAULTS.simulatorPort),
  SESSION_IDLE_MINUTES: Type.Number({ minimum: 0.05, maximum: 1440, default: DEFAULTS.sessionIdleMinutes }),
  COOKIE_SECURE: Text(
    '1: the session cookie is always Secure (behind a TLS proxy Fastify does not trust)',
    '0',
  ),
  TRUST_PROXY: Type.Optional(
    Text("Fastify's trustProxy: 1 (any), or the proxies' addresses/CIDRs, comma-separated"),
  ),
  WITH_WORKER: Text('1 runs a case worker inside the API process (api.ts)', '0'),
  DATABASE_URL: Type.Optional(Text('postgres://…; unset: embedded PGlite under DATA_DIR')),
  DATABASE_OWNER_URL: Type.Optional(
    Text(
      'postgres://… of the role that owns the tables (migrations); DATABASE_URL is then a role that cannot ' +
        'change the audit trail or switch its triggers off (granted at start-up)',
    ),
  ),
  TEMPORAL_ADDRESS: Type.Optional(Text('host:port of a Temporal server; unset: an embedded dev server')),
  TEMPORAL_NAMESPACE: Text('Temporal namespace', DEFAULTS.temporalNamespace),
  TEMPORAL_PORT: Type.Optional(Port('port of the embedded Temporal dev server')),
  TEMPORAL_UI_PORT: Type.Optional(Port('port of the embedded Temporal UI')),
  PAYLOAD_KEYS: Type.Optional(
    Type.String({
      pattern: `^${PAYLOAD_KEY}(,${PAYLOAD_KEY})*$`,
      description:
        'keys that encrypt Temporal payloads, oldest first: id:base64 of 32 bytes, comma-separated; the last encrypts. Unset in the embedded mode: one generated in DATA_DIR/payload-keys.json',
    }),
  ),
  TEMPORAL_UI_ORIGIN: Type.Optional(
    Text('origin(s) of the Temporal UI allowed to call /codec (comma-separated); default: the embedded UI'),
  ),
  CORS_ORIGINS: Type.Optional(
    Text(
      'browser origins allowed to call /api with a bearer token (comma-separated); unset: none (CORS off)',
    ),
  ),
  TASK_QUEUE: Text('Temporal task queue of the case worker', DEFAULTS.taskQueue),
  CASE_NO_PREFIX: Text('prefix of case numbers, e.g. YJS-20261128-000001', DEFAULTS.caseNoPrefix),
  APPLICANT_HASH_KEY: Type.Optional(
    Type.String({
      minLength: 32,
      description:
        'key of the applicant identifiers hashed for search (HMAC-SHA256); unset: generated once in DATA_DIR',
    }),
  ),
  METRICS_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'bearer token Prometheus scrapes /metrics with' }),
  ),
  METRICS_PORT: Type.Optional(Port('serve /metrics on this port (no token) instead of the API port')),
  METRICS_HOST: Text('bind address of METRICS_PORT', DEFAULTS.host),
  WORKER_METRICS_PORT: Type.Optional(
    Port("the Temporal worker's own metrics (SDK runtime telemetry, Prometheus) on this port"),
  ),
  TEMPORAL_UI_URL: Type.Optional(Text('the Temporal web UI, for links from case histories')),
  LOG_LEVEL: Type.String({
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: DEFAULTS.logLevel,
  }),
});
export type Env = Static<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://…; absent means embedded PGlite under dataDir. */
  databaseUrl?: string;
  databaseOwnerUrl?: string;
  /** host:port of a Temporal server; absent means start an embedded dev server. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalPort?: number;
  temporalUiPort?: number;
  taskQueue: string;
  /** Keys of the Temporal payload codec, oldest first (the last encrypts); absent: the embedded key file. */
  payloadKeys?: { id: string; key: string }[];
  /** Browser origins of a Temporal UI allowed to call the codec endpoint; absent: the embedded UI's. */
  temporalUiOrigins?: string[];
  /** Browser origins allowed to call /api (CORS, bearer tokens only); absent: none. */
  corsOrigins?: string[];
  /** Prefix of human-readable case numbers, e.g. YJS-20261128-000001. */
  caseNoPrefix: string;
  logLevel: string;
  /** Where uploaded materials are stored (content-addressed). */
  materialsDir: string;
  /** Largest material accepted, in bytes. */
  materialMaxBytes: number;
  /** How long a case action waits for its workflow before answering 503. */
  updateWaitMs: number;
  /** Calendar region deadlines are counted in (e.g. CN, or CN-ZJ-HZ once created). */
  calendarRegion: string;
  /** When a promised clock turns yellow: a share of its limit left, or working days left. */
  warning: ClockWarningConfig;
  /** Where clock warnings are sent (signed JSON); unset means the log. */
  notifyWebhookUrl?: string;
  notifyWebhookSecret?: string;
  /** Departments reached over HTTP: a JSON file or JSON (see departments/integrations.ts). */
  departmentsConfig?: string;
  /** How department systems reach this engine for callbacks; default http://HOST:PORT. */
  publicUrl?: string;
  /** Embedded mode without DEPARTMENTS_CONFIG: simulate Tax and the bank as HTTP-integrated systems. */
  demoSimulator: boolean;
  simulatorPort: number;
  /** api.ts only: also run a case worker in the API process. */
  withWorker: boolean;
  /** Browser sessions end after this many minutes without a request. */
  sessionIdleMinutes: number;
  /** Session cookie always Secure (behind a TLS-terminating proxy that Fastify is not told to trust). */
  cookieSecure: boolean;
  /** Fastify's trustProxy (TRUST_PROXY): true (1), or the proxies' addresses/CIDRs, comma-separated. */
  trustProxy?: boolean | string;
  /** Key of the applicant identifiers' hashes; absent: generated once and kept in dataDir. */
  applicantHashKey?: string;
  /** /metrics needs this bearer token (unless served on metricsPort). */
  metricsToken?: string;
  /** Serve /metrics on its own port (no token), bound to metricsHost. */
  metricsPort?: number;
  metricsHost: string;
  /** The worker's SDK metrics (Prometheus) on this port. */
  workerMetricsPort?: number;
  /** The Temporal web UI for links from case histories (embedded: the dev server's). */
  temporalUiUrl?: string;
}

/**
 * What an API process of the distributed topology (api.ts) needs beyond a valid environment: a Temporal
 * server, a Postgres server, and the applicants' hash key shared by every API process (one generated per
 * process would leave the cases another took in unfindable by applicant). Empty when all is there.
 */
export function distributedApiProblems(config: Config): string[] {
  return [
    ...(config.temporalAddress
      ? []
      : ['TEMPORAL_ADDRESS is required (a Temporal server; for one process: npm start)']),
    ...(config.databaseUrl
      ? []
      : ['DATABASE_URL is required (a Postgres server; for one process: npm start)']),
    ...(config.applicantHashKey
      ? []
      : [
          'APPLICANT_HASH_KEY is required (32+ characters, the same in every API process); e.g. APPLICANT_HASH_KEY=$(openssl rand -base64 32)',
        ]),
  ];
}

/** Origins as browsers send them: scheme://host[:port], no trailing slash. */
const originsOf = (list: string) => list.split(',').map((o) => o.trim().replace(/\/$/, ''));

function trustProxyOf(value: string | undefined): { trustProxy?: boolean | string } {
  if (value === undefined || value === '0' || value === 'false') return {};
  if (value === '1' || value === 'true') return { trustProxy: true };
  return { trustProxy: value };
}

/** Validates the environment (every problem at once, naming the variable) and derives the configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as shells and compose files often leave them.
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  let e: Env;
  try {
    e = envSchema<Env>({ schema: EnvSchema, data, env: false, dotenv: false });
  } catch (error) {
    throw new Error(`Invalid configuration: ${(error as Error).message}`);
  }
  const payloadKeys = e.PAYLOAD_KEYS?.split(',').map((entry) => {
    const [id, key] = entry.split(':') as [string, string];
    return { id, key };
  });
  const duplicate = payloadKeys?.find((k, i) => payloadKeys.findIndex((o) => o.id === k.id) !== i);
  if (duplicate)
    throw new Error(`Invalid configuration: PAYLOAD_KEYS lists the key id '${duplicate.id}' twice`);
  // Every process of the distributed mode must encrypt and decrypt with the same keys: a key generated
  // per process would make each one's histories unreadable to the others.
  if (e.TEMPORAL_ADDRESS && !payloadKeys)
    throw new Error(
      'Invalid configuration: PAYLOAD_KEYS is required with TEMPORAL_ADDRESS (the same keys in every API and worker process); e.g. PAYLOAD_KEYS=k1:$(openssl rand -base64 32)',
    );
  const dataDir = resolve(e.DATA_DIR);
  const warning: ClockWarningConfig =
    e.WARNING_FRACTION === undefined && e.WARNING_WORKING_DAYS === undefined
      ? { ...DEFAULTS.warning }
      : {
          ...(e.WARNING_FRACTION !== undefined ? { fraction: e.WARNING_FRACTION } : {}),
          ...(e.WARNING_WORKING_DAYS !== undefined ? { workingDays: e.WARNING_WORKING_DAYS } : {}),
        };
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    materialsDir: resolve(e.MATERIALS_DIR ?? `${dataDir}/materials`),
    materialMaxBytes: e.MATERIAL_MAX_BYTES,
    updateWaitMs: e.UPDATE_WAIT_MS,
    calendarRegion: e.CALENDAR_REGION,
    warning,
    ...(e.NOTIFY_WEBHOOK_URL ? { notifyWebhookUrl: e.NOTIFY_WEBHOOK_URL } : {}),
    ...(e.NOTIFY_WEBHOOK_SECRET ? { notifyWebhookSecret: e.NOTIFY_WEBHOOK_SECRET } : {}),
    ...(e.DEPARTMENTS_CONFIG ? { departmentsConfig: e.DEPARTMENTS_CONFIG } : {}),
    ...(e.PUBLIC_URL ? { publicUrl: e.PUBLIC_URL.replace(/\/$/, '') } : {}),
    demoSimulator: e.DEMO_SIMULATOR !== '0',
    simulatorPort: e.SIMULATOR_PORT,
    withWorker: e.WITH_WORKER === '1',
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    cookieSecure: e.COOKIE_SECURE === '1' || e.COOKIE_SECURE === 'true',
    ...trustProxyOf(e.TRUST_PROXY),
    ...(e.APPLICANT_HASH_KEY ? { applicantHashKey: e.APPLICANT_HASH_KEY } : {}),
    ...(e.METRICS_TOKEN ? { metricsToken: e.METRICS_TOKEN } : {}),
    ...(e.METRICS_PORT !== undefined ? { metricsPort: e.METRICS_PORT } : {}),
    metricsHost: e.METRICS_HOST,
    ...(e.WORKER_METRICS_PORT !== undefined ? { workerMetricsPort: e.WORKER_METRICS_PORT } : {}),
    ...(e.TEMPORAL_UI_URL ? { temporalUiUrl: e.TEMPORAL_UI_URL.replace(/\/$/, '') } : {}),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.DATABASE_OWNER_URL ? { databaseOwnerUrl: e.DATABASE_OWNER_URL } : {}),
    ...(e.TEMPORAL_ADDRESS ? { temporalAddress: e.TEMPORAL_ADDRESS } : {}),
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    ...(e.TEMPORAL_PORT !== undefined ? { temporalPort: e.TEMPORAL_PORT } : {}),
    ...(e.TEMPORAL_UI_PORT !== undefined ? { temporalUiPort: e.TEMPORAL_UI_PORT } : {}),
    taskQueue: e.TASK_QUEUE,
    ...(payloadKeys ? { payloadKeys } : {}),
    ...(e.TEMPORAL_UI_ORIGIN ? { temporalUiOrigins: originsOf(e.TEMPORAL_UI_ORIGIN) } : {}),
    ...(e.CORS_ORIGINS ? { corsOrigins: originsOf(e.CORS_ORIGINS) } : {}),
    caseNoPrefix: e.CASE_NO_PREFIX,
    logLevel: e.LOG_LEVEL,
  };
}
