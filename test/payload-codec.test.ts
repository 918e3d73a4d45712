// The codec's nonces come from a pool of random bytes: across pool refills every payload gets its own
// nonce, and every payload still decrypts to what was encoded.
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../services/payload-codec.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

describe('payload codec', () => {
  it('gives each payload its own nonce across pool refills, and round-trips every one', async () => {
    const codec = new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS);
    const payloads = Array.from({ length: 1000 }, (_, i) => ({
      metadata: { encoding: Buffer.from('json/plain') },
      data: Buffer.from(JSON.stringify({ i })),
    }));
    const sealed = [
      ...(await codec.encode(payloads.slice(0, 500))),
      ...(await codec.encode(payloads.slice(500))),
    ];
    const nonces = new Set(sealed.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(1000);
    const opened = await codec.decode(sealed);
    expect(opened.map((p) => Buffer.from(p.data!).toString())).toEqual(
      payloads.map((p) => p.data.toString()),
    );
  });
});
