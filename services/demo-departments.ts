// The embedded demo's integrated departments: Tax and the bank run "their own systems" (the department
// simulator, on SIMULATOR_PORT or a free port), reached over HTTP with signed dispatches and callbacks.
// Secrets are made once and kept in $DATA_DIR/demo-integrations.json so a restart keeps its cases going.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Integrations } from '../departments/integrations.ts';
import { type Simulator, startSimulator } from '../simulator/server.ts';
import { availablePort } from './ports.ts';

export const DEMO_HTTP_DEPARTMENTS = ['TAX', 'BANK'];

export async function startDemoDepartments(
  dataDir: string,
  preferredPort: number,
): Promise<{ simulator: Simulator; integrations: Integrations }> {
  const file = join(dataDir, 'demo-integrations.json');
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  for (const code of DEMO_HTTP_DEPARTMENTS) secrets[code] ??= randomBytes(24).toString('base64url');
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  const simulator = await startSimulator({
    port: await availablePort(preferredPort),
    departments: DEMO_HTTP_DEPARTMENTS.map((code) => ({ code, secret: secrets[code]!, delayMs: 3000 })),
  });
  const integrations: Integrations = Object.fromEntries(
    DEMO_HTTP_DEPARTMENTS.map((code) => [
      code,
      { baseUrl: simulator.url, secret: secrets[code]!, timeoutMs: 5000 },
    ]),
  );
  return { simulator, integrations };
}
