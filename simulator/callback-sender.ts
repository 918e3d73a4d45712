// Delivers one decision to the engine's callback URL as a department system would: signed afresh per
// attempt, retried with capped exponential backoff on network errors, timeouts, 5xx, 408 and 429,
// stopped by any other 4xx (the engine's final word) or by a withdrawal. The ledger decision records
// every attempt, so tests can see what happened. Logs carry ids and statuses, never bodies.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { signedHeaders } from '../departments/signing.ts';
import type { LedgerDecision } from './control-types.ts';

export interface CallbackRetry {
  /** Total tries, the first included. Default 8. */
  attempts: number;
  /** First backoff; doubles each retry up to maxMs. Defaults 100 and 5000. */
  baseMs: number;
  maxMs: number;
  /** Per-attempt timeout; a timeout counts as a network error. Default 5000. */
  timeoutMs: number;
}

export const DEFAULT_CALLBACK_RETRY: CallbackRetry = {
  attempts: 8,
  baseMs: 100,
  maxMs: 5000,
  timeoutMs: 5000,
};

export interface Callback {
  taskId: string;
  callbackUrl: string;
  /** The sending department: its code for the log, its secret for the signature. */
  department: { code: string; secret: string };
  /** The exact body to sign and send. */
  raw: string;
  /** Aborted on withdrawal or when the simulator stops. */
  signal: AbortSignal;
}

export async function sendCallback(
  callback: Callback,
  decision: LedgerDecision,
  retry: CallbackRetry,
  log: FastifyBaseLogger,
): Promise<void> {
  const { taskId, callbackUrl, department: d, raw, signal } = callback;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    if (signal.aborted) return;
    decision.callbackAttempts = attempt;
    try {
      const res = await fetch(callbackUrl, {
        method: 'POST',
        // Signed afresh per attempt: a retry hours later must not carry a stale timestamp.
        headers: { 'content-type': 'application/json', ...signedHeaders(d.secret, raw) },
        body: raw,
        redirect: 'manual', // a redirect is not a delivery; it counts as a refusal below
        signal: AbortSignal.any([signal, AbortSignal.timeout(retry.timeoutMs)]),
      });
      await res.arrayBuffer(); // drain, so the connection returns to the pool
      decision.lastCallbackStatus = res.status;
      if (res.ok) {
        decision.delivery = 'delivered';
        return;
      }
      // 4xx is the engine's final word (bad outputs, withdrawn step); 408/429 only ask to come back later.
      if (res.status < 500 && res.status !== 408 && res.status !== 429) {
        log.warn({ taskId, department: d.code, status: res.status }, 'callback refused');
        decision.delivery = 'refused';
        return;
      }
    } catch {
      if (signal.aborted) return;
      decision.lastCallbackStatus = null;
    }
    if (attempt < retry.attempts) {
      const backoff = Math.min(retry.maxMs, retry.baseMs * 2 ** (attempt - 1));
      try {
        await sleep(backoff, undefined, { signal });
      } catch {
        return; // withdrawn or stopping
      }
    }
  }
  log.warn({ taskId, department: d.code, attempts: retry.attempts }, 'callback gave up');
  decision.delivery = 'gave-up';
}
