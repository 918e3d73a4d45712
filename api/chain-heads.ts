// The chain heads a case's workflow recorded after each batch it wrote (workflows/messages.ts
// chainHeadsQuery): the anchor the verify endpoint checks the trail against. Asked with a bound, since a
// case whose workflow is gone (past the namespace's retention) or whose worker is down cannot answer; the
// trail is then checked against itself only, and the answer says so.
import type { Client } from '@temporalio/client';
import { chainHeadsQuery } from '../workflows/messages.ts';

const ASK_FOR_MS = 5000;

export async function chainHeadsOf(client: Client, caseId: string): Promise<[number, string][] | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ASK_FOR_MS);
  try {
    return await client.withAbortSignal(abort.signal, () =>
      client.workflow.getHandle(caseId).query(chainHeadsQuery),
    );
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
