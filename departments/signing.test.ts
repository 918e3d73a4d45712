import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './protocol.ts';
import { headerValue, sign, signedHeaders, verify } from './signing.ts';

const SECRET = 'dev-secret-tax';
const BODY = '{"taskId":"t-1","outcome":"approve"}';
const NOW = 1_750_000_000;

describe('sign', () => {
  it('is sha256= and the hex HMAC of "timestamp.body"', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    expect(sign(SECRET, NOW, BODY)).toBe(`sha256=${expected}`);
  });

  it('changes with the secret, the timestamp and every byte of the body', () => {
    const base = sign(SECRET, NOW, BODY);
    expect(sign('other', NOW, BODY)).not.toBe(base);
    expect(sign(SECRET, NOW + 1, BODY)).not.toBe(base);
    expect(sign(SECRET, NOW, `${BODY} `)).not.toBe(base);
  });

  it('signedHeaders gives both headers under their exported names', () => {
    const headers = signedHeaders(SECRET, BODY, NOW);
    expect(headers).toEqual({ [TIMESTAMP_HEADER]: String(NOW), [SIGNATURE_HEADER]: sign(SECRET, NOW, BODY) });
    expect(TIMESTAMP_HEADER).toBe('x-yjs-timestamp');
    expect(SIGNATURE_HEADER).toBe('x-yjs-signature');
  });
});

describe('verify', () => {
  const good = sign(SECRET, NOW, BODY);

  it('accepts a fresh, correct signature', () => {
    expect(verify(SECRET, String(NOW), good, BODY, NOW)).toEqual({ ok: true });
  });

  it('accepts clock skew inside the tolerance, both ways', () => {
    expect(verify(SECRET, String(NOW), good, BODY, NOW + 300)).toEqual({ ok: true });
    expect(verify(SECRET, String(NOW), good, BODY, NOW - 300)).toEqual({ ok: true });
  });

  it('refuses a timestamp outside the tolerance as stale, even with a valid signature', () => {
    expect(verify(SECRET, String(NOW), good, BODY, NOW + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verify(SECRET, String(NOW), good, BODY, NOW - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verify(SECRET, String(NOW), good, BODY, NOW + 11, 10)).toEqual({ ok: false, reason: 'stale' });
  });

  it.each([
    [undefined, good],
    [String(NOW), undefined],
    ['', good],
    [String(NOW), ''],
    ['yesterday', good],
    ['1.5', good],
  ])('reports missing for timestamp %j and signature %j', (ts, sig) => {
    expect(verify(SECRET, ts, sig, BODY, NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a wrong secret, a changed body, a changed timestamp and malformed signatures', () => {
    const bad = { ok: false, reason: 'bad-signature' };
    expect(verify('wrong', String(NOW), good, BODY, NOW)).toEqual(bad);
    expect(verify(SECRET, String(NOW), good, BODY.replace('approve', 'deny'), NOW)).toEqual(bad);
    expect(verify(SECRET, String(NOW - 1), good, BODY, NOW)).toEqual(bad);
    expect(verify(SECRET, String(NOW), good.slice(0, -1), BODY, NOW)).toEqual(bad);
    expect(verify(SECRET, String(NOW), good.replace('sha256=', ''), BODY, NOW)).toEqual(bad);
    expect(verify(SECRET, String(NOW), `${good}00`, BODY, NOW)).toEqual(bad);
  });
});

describe('headerValue', () => {
  it('takes a single header and refuses a repeated one', () => {
    expect(headerValue('a')).toBe('a');
    expect(headerValue(['a'])).toBe('a');
    expect(headerValue(['a', 'b'])).toBeUndefined();
    expect(headerValue(undefined)).toBeUndefined();
  });
});
