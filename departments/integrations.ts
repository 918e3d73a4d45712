// How this deployment reaches departments that run their own approval systems. Loaded from
// DEPARTMENTS_CONFIG (a JSON file, or JSON inline): { "TAX": { "baseUrl": "https://tax.example/yjs",
// "secret": "…", "timeoutMs": 5000, "retryOn": [408, 429, 500, 502, 503, 504], "maximumAttempts": 10 } }.
// Departments not listed work in our worklist. Part of the contract (departments/): imports nothing of the
// engine.
import { existsSync, readFileSync } from 'node:fs';

export interface DepartmentIntegration {
  /** The department system's base URL; tasks go to {baseUrl}/departments/{CODE}/tasks. */
  baseUrl: string;
  /** Shared HMAC secret: signs our dispatches and verifies its callbacks. */
  secret: string;
  /** Per request. Default 5000 (DEFAULT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** HTTP statuses worth retrying; other 4xx/5xx are final. Default 408, 429 and every 5xx. */
  retryOn?: number[];
  /** Attempts before an incident needs a person. Default 10 (about 5 minutes of backoff). */
  maximumAttempts?: number;
}

export type Integrations = Record<string, DepartmentIntegration>;

export const DEFAULT_TIMEOUT_MS = 5000;

export function loadIntegrations(value: string | undefined): Integrations {
  if (!value) return {};
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('DEPARTMENTS_CONFIG is neither a JSON file nor JSON');
  }
  const problems: string[] = [];
  for (const [code, c] of Object.entries(parsed as Record<string, Partial<DepartmentIntegration>>)) {
    if (typeof c?.baseUrl !== 'string' || !/^https?:\/\//.test(c.baseUrl))
      problems.push(`${code}.baseUrl must be an http(s) URL`);
    if (typeof c?.secret !== 'string' || c.secret.length < 16)
      problems.push(`${code}.secret must be at least 16 characters`);
  }
  if (problems.length > 0) throw new Error(`DEPARTMENTS_CONFIG: ${problems.join('; ')}`);
  return parsed as Integrations;
}

export function isRetryableStatus(integration: DepartmentIntegration, status: number): boolean {
  if (integration.retryOn) return integration.retryOn.includes(status);
  return status === 408 || status === 429 || status >= 500;
}
