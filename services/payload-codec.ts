// Encrypts every Temporal payload (workflow inputs, Update arguments and results, query results, activity
// arguments and results, memo, failure messages) with AES-256-GCM before it leaves the process, so the
// Temporal server and its UI hold only ciphertext; after temporalio/samples-typescript's encryption sample.
// The key id travels in the payload's metadata: the newest key encrypts, every configured key decrypts,
// which is how keys rotate without re-encrypting old histories.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type DataConverter,
  METADATA_ENCODING_KEY,
  type Payload,
  type PayloadCodec,
  ValueError,
} from '@temporalio/common';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** One AES-256 key and the id payloads name it by. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/**
 * Nonces cut from one CSPRNG draw of 4 KiB (as Node's randomUUID pools its randomness): a draw per 341
 * payloads instead of a 3 µs system call each, at several payloads a step. Random 96-bit nonces stay
 * unique per key as GCM needs; no slice is handed out twice, and a used draw is dropped, never refilled.
 */
class NoncePool {
  private pool = Buffer.alloc(0);
  private at = 0;

  next(): Buffer {
    if (this.at + IV_BYTES > this.pool.length) {
      this.pool = randomBytes(IV_BYTES * 341);
      this.at = 0;
    }
    const iv = this.pool.subarray(this.at, this.at + IV_BYTES);
    this.at += IV_BYTES;
    return iv;
  }
}

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/**
 * The payload, metadata included, as bytes: a 4-byte length, the metadata as JSON (values base64), then
 * the data. Our own framing rather than the protobuf encoding, so nothing but @temporalio/common is needed.
 */
function frame(payload: Payload): Buffer {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  const header = Buffer.from(JSON.stringify(metadata), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, Buffer.from(payload.data ?? new Uint8Array())]);
}

function unframe(bytes: Buffer): Payload {
  const length = bytes.readUInt32BE(0);
  const metadata = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: bytes.subarray(4 + length),
  };
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  private readonly current: PayloadKey;
  private readonly currentAad: Buffer;
  private readonly nonces = new NoncePool();

  /** `keys` oldest first: the last one encrypts. */
  constructor(keys: readonly PayloadKey[]) {
    const current = keys.at(-1);
    if (!current) throw new ValueError('The payload codec needs at least one key');
    for (const k of keys)
      if (k.key.length !== 32) throw new ValueError(`Payload key '${k.id}' is not 32 bytes (AES-256)`);
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.current = current;
    this.currentAad = Buffer.from(current.id, 'utf8');
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = this.nonces.next();
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
      // The key id is authenticated too: a payload relabelled with another id fails to decrypt.
      cipher.setAAD(this.currentAad);
      const sealed = Buffer.concat([cipher.update(frame(payload)), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: Buffer.from(this.current.id),
        },
        data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption was configured stay readable.
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
      if (!keyId) throw new ValueError('An encrypted payload has no encryption-key-id');
      const key = this.keys.get(keyId);
      if (!key)
        throw new ValueError(
          `A payload is encrypted with key '${keyId}', which is not configured (known: ${this.keyIds.join(', ')}); add it to PAYLOAD_KEYS`,
        );
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('An encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([
          decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new ValueError(
          `A payload encrypted with key '${keyId}' failed authentication: it was altered, or the key is not the one it was encrypted with`,
        );
      }
      return unframe(plain);
    });
  }
}

/**
 * Loaded by the SDK with require(): a failure converter that moves failure messages and stack traces into
 * an encoded payload, so they are encrypted too (they may quote a department system's answer).
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The data converter of every Temporal client and worker of the engine. */
export function dataConverterFor(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
