// Where the payload keys come from: PAYLOAD_KEYS (validated by config.ts), or, in the embedded mode without
// it, one key generated on first start and kept in DATA_DIR/payload-keys.json (mode 0600) so that a restart
// decrypts the histories written before. The distributed mode never generates one: every API and worker
// process must share the same keys, which only configuration can give them (config.ts refuses to start).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { PayloadKey } from './payload-codec.ts';

export const EMBEDDED_KEYS_FILE = 'payload-keys.json';

interface StoredKey {
  id: string;
  key: string;
}

const fromStored = (keys: readonly StoredKey[]): PayloadKey[] =>
  keys.map(({ id, key }) => ({ id, key: Buffer.from(key, 'base64') }));

/** A fresh AES-256 key, e.g. for `PAYLOAD_KEYS=<id>:<base64>`. */
export function newPayloadKey(id: string): PayloadKey {
  return { id, key: randomBytes(32) };
}

/** `id:base64` as PAYLOAD_KEYS lists it. */
export const formatPayloadKey = ({ id, key }: PayloadKey) => `${id}:${key.toString('base64')}`;

/** The embedded mode's keys, created (once, atomically) when DATA_DIR has none. */
export function embeddedPayloadKeys(dataDir: string): PayloadKey[] {
  const file = join(dataDir, EMBEDDED_KEYS_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { id, key } = newPayloadKey(`embedded-${new Date().toISOString().slice(0, 10)}`);
    const stored: StoredKey[] = [{ id, key: key.toString('base64') }];
    try {
      // 'wx': a second process starting at the same moment keeps the first one's key.
      writeFileSync(file, `${JSON.stringify({ keys: stored }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: StoredKey[] };
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0)
    throw new Error(`${file} lists no payload keys; restore it from a backup (or set PAYLOAD_KEYS)`);
  return fromStored(parsed.keys);
}

/** The keys of this process's Temporal clients and workers; the last one encrypts. */
export function payloadKeysOf(config: Config): PayloadKey[] {
  if (config.payloadKeys) return fromStored(config.payloadKeys);
  if (config.temporalAddress)
    throw new Error('PAYLOAD_KEYS is required with TEMPORAL_ADDRESS (config.ts validates this)');
  return embeddedPayloadKeys(config.dataDir);
}
