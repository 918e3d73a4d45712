// The payload codec on its own: what Temporal stores is ciphertext under the newest key, old keys still
// decrypt, an altered payload or an unknown key is an error that says so; and where the keys come from.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID } from './payload-codec.ts';
import { EMBEDDED_KEYS_FILE, embeddedPayloadKeys, formatPayloadKey, newPayloadKey } from './payload-keys.ts';

const PERSONAL = { name: '测试甲乙丙', idNumber: '330106199912310099', phone: '13912345678' };
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value)!;
const value = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);
const bytes = (payload: Payload) =>
  Buffer.concat([
    ...Object.entries(payload.metadata ?? {}).map(([k, v]) =>
      Buffer.concat([Buffer.from(k), Buffer.from(v)]),
    ),
    Buffer.from(payload.data ?? new Uint8Array()),
  ]);

const k1 = newPayloadKey('k1');
const k2 = newPayloadKey('k2');

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload and stores none of it in clear', async () => {
    const codec = new AesGcmPayloadCodec([k1]);
    const [encoded] = await codec.encode([plain(PERSONAL)]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.metadata![METADATA_KEY_ID]!).toString()).toBe('k1');
    const stored = bytes(encoded!);
    for (const text of [...Object.values(PERSONAL), 'json/plain', 'idNumber'])
      expect(stored.includes(Buffer.from(text))).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(value(decoded!)).toEqual(PERSONAL);
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('uses a fresh IV for every payload', async () => {
    const codec = new AesGcmPayloadCodec([k1]);
    const [a, b] = await codec.encode([plain(PERSONAL), plain(PERSONAL)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('rotates: the newest key encrypts, payloads under the old key still decrypt', async () => {
    const [old] = await new AesGcmPayloadCodec([k1]).encode([plain('before rotation')]);
    const rotated = new AesGcmPayloadCodec([k1, k2]);
    const [fresh] = await rotated.encode([plain('after rotation')]);
    expect(Buffer.from(fresh!.metadata![METADATA_KEY_ID]!).toString()).toBe('k2');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map(value)).toEqual(['before rotation', 'after rotation']);
  });

  it('passes through payloads that were never encrypted (histories from before the codec)', async () => {
    const [decoded] = await new AesGcmPayloadCodec([k1]).decode([plain('old')]);
    expect(value(decoded!)).toBe('old');
  });

  it('refuses an altered payload: GCM authentication fails', async () => {
    const codec = new AesGcmPayloadCodec([k1]);
    const [encoded] = await codec.encode([plain(PERSONAL)]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow(/failed authentication/);
    const truncated = Buffer.from(encoded!.data!).subarray(0, 20);
    await expect(codec.decode([{ ...encoded!, data: truncated }])).rejects.toThrow(
      /truncated|authentication/,
    );
  });

  it('refuses a payload relabelled with another key id, and one under the same id but another key', async () => {
    const codec = new AesGcmPayloadCodec([k1, k2]);
    const [encoded] = await codec.encode([plain(PERSONAL)]);
    const relabelled = {
      ...encoded!,
      metadata: { ...encoded!.metadata, [METADATA_KEY_ID]: Buffer.from('k1') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    const impostor = new AesGcmPayloadCodec([{ id: 'k2', key: newPayloadKey('x').key }]);
    await expect(impostor.decode([encoded!])).rejects.toThrow(/failed authentication/);
  });

  it('names an unknown key id and the known ones', async () => {
    const [encoded] = await new AesGcmPayloadCodec([k2]).encode([plain(PERSONAL)]);
    await expect(new AesGcmPayloadCodec([k1]).decode([encoded!])).rejects.toThrow(
      "A payload is encrypted with key 'k2', which is not configured (known: k1); add it to PAYLOAD_KEYS",
    );
  });

  it('refuses keys that are not AES-256, and no key at all', () => {
    expect(() => new AesGcmPayloadCodec([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
    expect(() => new AesGcmPayloadCodec([])).toThrow(/at least one key/);
  });
});

describe('payload keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yjs-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the embedded key once, readable by its owner only, and keeps it across restarts', () => {
    const first = embeddedPayloadKeys(dir);
    const file = join(dir, EMBEDDED_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first).toHaveLength(1);
    expect(first[0]!.key).toHaveLength(32);
    const again = embeddedPayloadKeys(dir);
    expect(again[0]!.key.equals(first[0]!.key)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain(first[0]!.id);
  });

  it('reads PAYLOAD_KEYS oldest first', () => {
    const config = loadConfig({ PAYLOAD_KEYS: [k1, k2].map(formatPayloadKey).join(',') });
    expect(config.payloadKeys?.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(config.payloadKeys?.[1]?.key).toBe(k2.key.toString('base64'));
  });

  it('refuses a malformed PAYLOAD_KEYS, a duplicate id, and TEMPORAL_ADDRESS without keys', () => {
    expect(() => loadConfig({ PAYLOAD_KEYS: 'k1:tooshort' })).toThrow(/Invalid configuration.*PAYLOAD_KEYS/);
    expect(() => loadConfig({ PAYLOAD_KEYS: `${formatPayloadKey(k1)},${formatPayloadKey(k1)}` })).toThrow(
      /key id 'k1' twice/,
    );
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' })).toThrow(
      /PAYLOAD_KEYS is required with TEMPORAL_ADDRESS/,
    );
    expect(
      loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', PAYLOAD_KEYS: formatPayloadKey(k1) }).temporalAddress,
    ).toBe('temporal:7233');
  });
});
