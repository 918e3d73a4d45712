// Notifications for warnings and escalations (预警 / 超时督办): a step's or a case's clock turned yellow or
// red, and the department's supervisors and the managers must hear of it. Called from an activity, so a
// thrown error means "retry": the webhook throws on anything but a 2xx, and the idempotency key (one per
// clock, kind and deadline, chosen by the workflow) lets the receiver drop the retries' duplicates.
//
// PIPL (minimum necessary): a notification names the case, the step and the department and says when; it
// never carries names, form fields or materials. The payload is rebuilt field by field from the known keys,
// so an object with extra properties (structurally a Notification) cannot leak them into a log or a webhook.
import { IDEMPOTENCY_KEY_HEADER } from '../departments/protocol.ts';
import { sign, signedHeaders } from '../departments/signing.ts';

export type NotificationKind =
  | 'step.yellow'
  | 'step.red'
  | 'case.yellow'
  | 'case.red'
  // A bad rating's follow-up (整改): its clock turned yellow or red, or it is still unanswered after red.
  | 'follow_up.yellow'
  | 'follow_up.red'
  | 'follow_up.reminder';

export interface Notification {
  kind: NotificationKind;
  caseId: string;
  /** The human-readable case number (办件编号). */
  caseNo: string;
  processId: string;
  /** For step notifications. */
  stepId?: string;
  /** Code of the department that owns the step (or that a follow-up is for). */
  department?: string;
  /** The deadline, ISO 8601. */
  deadline: string;
  /** When the clock turned yellow or red, ISO 8601. */
  at: string;
  /** Who must be told: by role, never by person. */
  recipients: { departmentSupervisors?: string; managers: true };
}

export interface Notifier {
  /** Delivers once per idempotency key as far as the transport allows; throws so that the caller retries. */
  notify(n: Notification, idempotencyKey: string): Promise<void>;
}

/** Only the known fields, in a fixed order (the webhook body is signed, so it should be stable). */
export function notificationPayload(n: Notification): Notification {
  const out: Notification = {
    kind: n.kind,
    caseId: n.caseId,
    caseNo: n.caseNo,
    processId: n.processId,
    deadline: n.deadline,
    at: n.at,
    recipients: { managers: true },
  };
  if (n.stepId !== undefined) out.stepId = n.stepId;
  if (n.department !== undefined) out.department = n.department;
  if (n.recipients?.departmentSupervisors !== undefined) {
    out.recipients = { departmentSupervisors: n.recipients.departmentSupervisors, managers: true };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Log

/**
 * Writes one JSON line per notification. A key already logged by this notifier is not logged again (an
 * activity retried after the line was written); the memory of keys is bounded.
 */
export function createLogNotifier(log: (line: string) => void, rememberKeys = 10_000): Notifier {
  const seen = new Set<string>();
  return {
    async notify(n, idempotencyKey) {
      if (seen.has(idempotencyKey)) return;
      log(JSON.stringify({ msg: 'notification', idempotencyKey, ...notificationPayload(n) }));
      seen.add(idempotencyKey);
      if (seen.size > rememberKeys) {
        const oldest = seen.values().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Webhook

export interface WebhookNotifierOptions {
  /** http or https URL the notifications are POSTed to. */
  url: string;
  /** HMAC-SHA256 key shared with the receiver. */
  secret: string;
  /** Whole request, response included; default 10 s. */
  timeoutMs?: number;
  /** Clock for the signature timestamp (tests); default Date.now. */
  now?: () => number;
}

/**
 * `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`, the value of x-yjs-signature: the same
 * signature as the department protocol's (departments/signing.ts), so a receiver verifies both alike.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return sign(secret, timestamp, body);
}

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    message: string,
    /** HTTP status, when the receiver answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * POSTs the notification as JSON with headers x-yjs-timestamp (unix seconds), x-yjs-signature
 * (webhookSignature over timestamp and the exact body) and idempotency-key. Resolves on a 2xx; throws a
 * WebhookError on any other status, a network error or the timeout, so that the activity is retried.
 * Error messages name the receiver's origin only (a URL's path or query may hold a token).
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const { url, secret } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const target = parseWebhookUrl(url);
  if (!secret) throw new Error('webhook notifier: a secret is required (notifications are signed)');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`webhook notifier: timeoutMs must be > 0, got ${timeoutMs}`);
  }
  return {
    async notify(n, idempotencyKey) {
      if (!idempotencyKey) throw new Error('webhook notifier: an idempotency key is required');
      const body = JSON.stringify(notificationPayload(n));
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...signedHeaders(secret, body, Math.floor(now() / 1000)),
            [IDEMPOTENCY_KEY_HEADER]: idempotencyKey,
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error', // a redirect would re-send the signed body elsewhere
        });
        // Read the body under the same timeout, so the connection is released and a stalled body fails.
        await response.arrayBuffer();
      } catch (err) {
        const name = (err as { name?: string } | null)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new WebhookError(`webhook ${target.origin} timed out after ${timeoutMs} ms`);
        }
        throw new WebhookError(`webhook ${target.origin} failed: ${(err as Error)?.message ?? String(err)}`);
      }
      if (response.status < 200 || response.status > 299) {
        throw new WebhookError(`webhook ${target.origin} answered ${response.status}`, response.status);
      }
    },
  };
}

function parseWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('webhook notifier: the url is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`webhook notifier: the url must be http or https, got ${parsed.protocol}`);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------
// Choice by configuration

export interface NotifierConfig {
  /** e.g. process.env.YJS_NOTIFY_WEBHOOK_URL; empty means unset. */
  webhookUrl?: string;
  /** e.g. process.env.YJS_NOTIFY_WEBHOOK_SECRET; required with a URL. */
  webhookSecret?: string;
  webhookTimeoutMs?: number;
  /** Where the log notifier writes; default console.log. */
  log?: (line: string) => void;
}

/**
 * A webhook notifier when a URL is configured (a secret is then required: unsigned notifications are
 * refused rather than sent), otherwise a log notifier. Empty strings count as unset, as in environments.
 */
export function createNotifier(config: NotifierConfig = {}): Notifier {
  const url = config.webhookUrl?.trim();
  const secret = config.webhookSecret;
  if (url) {
    if (!secret) throw new Error('notifier: webhookUrl is set but webhookSecret is not');
    const options: WebhookNotifierOptions = { url, secret };
    if (config.webhookTimeoutMs !== undefined) options.timeoutMs = config.webhookTimeoutMs;
    return createWebhookNotifier(options);
  }
  return createLogNotifier(config.log ?? ((line) => console.log(line)));
}
