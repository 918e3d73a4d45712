// HMAC signatures for the engine <-> department protocol: the one implementation, shared by the engine's
// HTTP adapter, its callback endpoint, its notification webhook and the department simulator, so no two
// sides can drift apart. The timestamp is part of the signed text, so a captured request cannot be
// replayed after the tolerance window. Part of the contract (departments/): imports nothing of the engine.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './protocol.ts';

const PREFIX = 'sha256=';

/**
 * `sha256=` + hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`); timestamp in unix seconds, as a number
 * or exactly as the timestamp header carries it.
 */
export function sign(secret: string, timestamp: number | string, rawBody: string): string {
  return PREFIX + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** Both headers for a body about to be sent; the caller must send exactly `rawBody`, byte for byte. */
export function signedHeaders(
  secret: string,
  rawBody: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(nowSeconds), [SIGNATURE_HEADER]: sign(secret, nowSeconds, rawBody) };
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad-signature' };

/**
 * Checks a received request. A timestamp that is not a whole number counts as missing (there is nothing
 * usable to check); one too far in the past or the future is stale. The comparison is constant-time so
 * the signature cannot be guessed byte by byte from response times.
 */
export function verify(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): VerifyResult {
  if (!timestampHeader || !signatureHeader || !/^\d{1,15}$/.test(timestampHeader.trim())) {
    return { ok: false, reason: 'missing' };
  }
  const timestamp = Number(timestampHeader.trim());
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };

  const expected = Buffer.from(sign(secret, timestamp, rawBody), 'utf8');
  const received = Buffer.from(signatureHeader.trim(), 'utf8');
  // timingSafeEqual throws on different lengths; a length mismatch reveals nothing secret.
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    return { ok: false, reason: 'bad-signature' };
  }
  return { ok: true };
}

/** Node gives repeated headers as arrays; a signed request carries each header once. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}
