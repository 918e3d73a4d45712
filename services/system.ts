// The pieces every entry point assembles (main.ts, api.ts, worker.ts, scripts): the configured database,
// the published catalog, Temporal (started here or reached at TEMPORAL_ADDRESS), the notifier, and
// stopping on signals. The composition of the whole system is ../system.ts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNotifier } from '../activities/notifier.ts';
import { type Config, DEFAULTS } from '../config.ts';
import { type Database, openDatabase } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import { CATALOG, loadCatalog } from '../processes/index.ts';
import type { PayloadKey } from './payload-codec.ts';
import { availablePort } from './ports.ts';
import { connectTemporal, startEmbeddedTemporal, type TemporalServices } from './temporal.ts';

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(
    config.databaseUrl
      ? {
          url: config.databaseUrl,
          ...(config.databaseOwnerUrl ? { ownerUrl: config.databaseOwnerUrl } : {}),
        }
      : { dataDir: join(config.dataDir, 'pglite') },
  );
}

/** Validates the built-in catalog and publishes any version the database does not have yet. */
export async function publishCatalog(definitions: DefinitionStore): Promise<void> {
  for (const definition of loadCatalog(CATALOG)) await definitions.publish(definition);
}

/**
 * The configured Temporal server, its client encrypting payloads with `payloadKeys`; an embedded server's UI
 * asks `codecEndpoint` (the API's /codec) to decrypt them.
 */
export async function openTemporal(
  config: Config,
  payloadKeys: readonly PayloadKey[],
  codecEndpoint?: string,
): Promise<TemporalServices> {
  if (config.temporalAddress)
    return connectTemporal(config.temporalAddress, payloadKeys, config.temporalNamespace);
  return startEmbeddedTemporal({
    payloadKeys,
    ...(codecEndpoint ? { uiCodecEndpoint: codecEndpoint } : {}),
    dbFilename: join(config.dataDir, 'temporal.sqlite'),
    port: await availablePort(config.temporalPort ?? DEFAULTS.temporalPort),
    uiPort: await availablePort(config.temporalUiPort ?? DEFAULTS.temporalUiPort),
  });
}

/**
 * The key of the applicant identifiers' hashes: APPLICANT_HASH_KEY, else one generated on first start and
 * kept in DATA_DIR (embedded mode). Every API process of a deployment must use the same key, so the
 * distributed topology sets APPLICANT_HASH_KEY.
 */
export function applicantHashKeyOf(config: Config): string {
  if (config.applicantHashKey) return config.applicantHashKey;
  const file = join(config.dataDir, 'applicant-hash.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export function notifierOf(config: Config) {
  return createNotifier({
    ...(config.notifyWebhookUrl ? { webhookUrl: config.notifyWebhookUrl } : {}),
    ...(config.notifyWebhookSecret ? { webhookSecret: config.notifyWebhookSecret } : {}),
  });
}

/** Stops on SIGINT/SIGTERM (once; a second signal forces exit). */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
