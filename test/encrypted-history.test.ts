// Personal data out of the places it does not belong (issue 11, section 5), through the whole system: a case
// with a distinctive applicant goes from intake to completion over HTTP, with a 500 caused by a database
// error and a failing projection activity on the way. Then the Temporal server's stored history, read back
// without the codec, holds none of the applicant's data in clear; the worker still replays it and answers
// the state query; the codec endpoint (and the Temporal CLI through it) decrypts it for a manager only; and
// neither the API's log nor the worker's holds any of it.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseWorkflowBundle } from '../services/case-worker.ts';
import { AesGcmPayloadCodec, dataConverterFor } from '../services/payload-codec.ts';
import { resolveTemporalExecutable } from '../services/temporal-cli.ts';
import { stateQuery } from '../workflows/messages.ts';
import { companyStartupApplication, parallelApprovals, registrationApproval } from './fixtures/examples.ts';
import { startTestApi, type TestApi } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';

const NAME = '测试甲乙丙';
const ID_NUMBER = '330106199912310099';
const PHONE = '13912345678';
const COMPANY = '杭州测试甲乙丙隐私科技有限公司';
const TRACKING_CODE = 'TRK-7f3c9a1e5b2d4c6f8e0a';
const DISTINCTIVE = [NAME, ID_NUMBER, PHONE, COMPANY, TRACKING_CODE];
const UI_ORIGIN = 'http://localhost:18233';

const application = {
  ...companyStartupApplication,
  companyName: COMPANY,
  legalRepresentative: { name: NAME, idNumber: ID_NUMBER, phone: PHONE },
};

/** Every form a distinctive string may take in a log line: as is, JSON-escaped, percent-encoded. */
const forms = (s: string) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)];
const leaks = (text: string) => DISTINCTIVE.filter((s) => forms(s).some((f) => text.includes(f)));

const apiLog: string[] = [];
const workerLog: string[] = [];
const originalWrite = process.stderr.write.bind(process.stderr);
let api: TestApi;
let caseId: string;

beforeAll(async () => {
  // The worker's Runtime logger writes to stderr: keep a copy of every line (and still print it).
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    workerLog.push(Buffer.from(chunk).toString('utf8'));
    return originalWrite(chunk, ...rest);
  }) as typeof process.stderr.write;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      apiLog.push(chunk.toString());
      done();
    },
  });
  api = await startTestApi({ logger: { level: 'info', stream }, temporalUiOrigins: [UI_ORIGIN] });
  caseId = await driveCase();
}, 240_000);

afterAll(async () => {
  process.stderr.write = originalWrite;
  await api?.stop();
});

const approve = (outputs: Record<string, unknown>, opinion = '同意') => ({
  outcome: 'approve',
  outputs,
  opinion,
});

/** Runs `sql` on the test database (to provoke real database errors: constraints the engine breaks). */
const execute = (statement: string) => api.engine.database.db.execute(sql.raw(statement));

async function driveCase(): Promise<string> {
  const materials = await api.materialsFor('company-startup');
  const submission = { processId: 'company-startup', application, materials };

  // A request that fails with a 500 caused by the database: the insert of the case breaks a constraint.
  await execute(
    `alter table cases add constraint privacy_probe check (process_id <> 'company-startup') not valid`,
  );
  const failed = await api.call('POST', '/api/cases', api.tokens.clerk, submission, {
    'x-tracking-code': TRACKING_CODE,
  });
  await execute('alter table cases drop constraint privacy_probe');
  expect(failed.status).toBe(500);
  expect(leaks(JSON.stringify(failed.body))).toEqual([]);

  const created = await api.call('POST', '/api/cases', api.tokens.clerk, submission);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;

  // The registration's event batch (outputs with the applicant's name) fails to project until the probe
  // goes: the projection activity fails with a failure retrying can cure (a serialization failure, as
  // under concurrent load), is logged by the worker, and is retried.
  await execute(
    `create function privacy_probe() returns trigger language plpgsql as $$ begin
       if new.type = 'step.approved' then raise exception 'privacy probe' using errcode = '40001'; end if;
       return new;
     end $$`,
  );
  await execute(
    'create trigger privacy_probe before insert on case_events for each row execute function privacy_probe()',
  );
  const deciding = api.call(
    'POST',
    `/api/cases/${id}/steps/registration/decision`,
    api.tokens.samr,
    approve(
      { ...registrationApproval, companyName: COMPANY, legalRepresentativeName: NAME },
      `经核实 ${NAME} 身份`,
    ),
    { 'x-tracking-code': TRACKING_CODE },
  );
  const deadline = Date.now() + 60_000;
  while (!workerLog.some((l) => l.includes('Activity failed')) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  await execute('drop trigger privacy_probe on case_events');
  await execute('drop function privacy_probe()');
  const decided = await deciding;
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);

  for (const [stepId, department, outputs] of parallelApprovals) {
    const res = await api.call(
      'POST',
      `/api/cases/${id}/steps/${stepId}/decision`,
      api.tokens[department.toLowerCase()],
      approve(outputs, `联系电话 ${PHONE}`),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const detail = await api.call('GET', `/api/cases/${id}`, api.tokens.manager);
  expect(detail.body.status).toBe('completed');
  // A query string with personal data (no route takes one; a client may still send it).
  await api.call('GET', `/api/cases?caseNo=YJS&name=${encodeURIComponent(NAME)}`, api.tokens.manager);
  return id;
}

// biome-ignore lint/suspicious/noExplicitAny: history events are walked generically
type Json = any;

async function rawHistory(): Promise<Json[]> {
  const events: Json[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await api.engine.temporal.client.workflowService.getWorkflowExecutionHistory({
      namespace: api.engine.temporal.namespace,
      execution: { workflowId: caseId },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Every string and every byte array in a value, and every payload ({metadata, data}) in it. */
function walk(value: Json, found: { texts: string[]; bytes: Buffer[]; payloads: Payload[] }) {
  if (value === null || value === undefined) return found;
  if (typeof value === 'string') found.texts.push(value);
  else if (value instanceof Uint8Array) found.bytes.push(Buffer.from(value));
  else if (typeof value === 'object') {
    if (value.data instanceof Uint8Array && value.metadata) found.payloads.push(value as Payload);
    for (const v of Object.values(value)) walk(v, found);
  }
  return found;
}

const inClear = (found: { texts: string[]; bytes: Buffer[] }, s: string) =>
  found.texts.some((t) => t.includes(s)) || found.bytes.some((b) => b.includes(Buffer.from(s)));

describe('the Temporal history, read back without the codec', () => {
  it('holds none of the personal data in clear, though it is all there encrypted', async () => {
    const events = await rawHistory();
    expect(events.length).toBeGreaterThan(10);
    const found = walk(events, { texts: [], bytes: [], payloads: [] });
    for (const s of DISTINCTIVE) expect(inClear(found, s), `${s} in the stored history`).toBe(false);
    // Every payload the SDK wrote is encrypted; the only clear ones are the SDK core's own bookkeeping of
    // local activities (attempt, times) and of patches (the patch's name), which carry no case data.
    for (const e of events) {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName === 'core_patch') {
        for (const p of marker.details?.patch_data?.payloads ?? []) {
          expect(Object.keys(JSON.parse(Buffer.from(p.data!).toString())).sort()).toEqual([
            'deprecated',
            'id',
          ]);
        }
        continue;
      }
      // Core also tags a workflow that took a patch with the patch's name (TemporalChangeVersion).
      const attributes = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
      if (attributes) {
        expect(Object.keys(attributes)).toEqual(['TemporalChangeVersion']);
        continue;
      }
      const bookkeeping = marker?.details?.data?.payloads ?? [];
      for (const p of walk(e, { texts: [], bytes: [], payloads: [] }).payloads) {
        if (bookkeeping.includes(p)) {
          expect(Object.keys(JSON.parse(Buffer.from(p.data!).toString())).sort()).toEqual([
            'activity_id',
            'activity_type',
            'attempt',
            'backoff',
            'complete_time',
            'original_schedule_time',
            'seq',
          ]);
          continue;
        }
        expect(Buffer.from(p.metadata!.encoding!).toString(), e.eventType).toBe('binary/encrypted');
      }
    }
    // The search itself works: decrypted with the key, the same payloads name the applicant.
    const decrypted = await new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS).decode(found.payloads);
    const clear = walk(decrypted, { texts: [], bytes: [], payloads: [] });
    // (The ID number is not in the history at all: the application stays in the database.)
    for (const s of [NAME, PHONE, COMPANY]) expect(inClear(clear, s), s).toBe(true);
  });

  it('is replayed by the worker with the codec, and by no worker without it', async () => {
    const history = await api.engine.temporal.client.workflow.getHandle(caseId).fetchHistory();
    const workflowBundle = await caseWorkflowBundle();
    await Worker.runReplayHistory(
      { workflowBundle, dataConverter: dataConverterFor(TEST_PAYLOAD_KEYS) },
      history,
      caseId,
    );
    await expect(Worker.runReplayHistory({ workflowBundle }, history, caseId)).rejects.toThrow();
  });

  it('answers the state query through the codec; a client without it gets ciphertext it cannot read', async () => {
    const state = await api.engine.temporal.client.workflow.getHandle(caseId).query(stateQuery);
    expect(state.status).toBe('completed');
    expect(state.data.legalRepresentativeName?.value).toBe(NAME);
    const connection = await Connection.connect({ address: api.engine.temporal.address });
    try {
      const plain = new Client({ connection, namespace: api.engine.temporal.namespace });
      await expect(plain.workflow.getHandle(caseId).query(stateQuery)).rejects.toThrow(/encoding/i);
    } finally {
      await connection.close();
    }
  });
});

describe('the codec endpoint', () => {
  const somePayloads = async () => {
    const found = walk(await rawHistory(), { texts: [], bytes: [], payloads: [] });
    return found.payloads.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data!).toString('base64'),
    }));
  };

  it('decrypts a history for a manager, called from the Temporal UI origin', async () => {
    const payloads = await somePayloads();
    const res = await api.call(
      'POST',
      '/codec/decode',
      api.tokens.manager,
      { payloads },
      {
        origin: UI_ORIGIN,
        'x-namespace': api.engine.temporal.namespace,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const text = res.body.payloads
      .map((p: { data: string }) => Buffer.from(p.data, 'base64').toString())
      .join();
    expect(text).toContain(NAME);
    expect(text).toContain(PHONE);
    // And encodes (the UI encodes what an operator sends, e.g. a signal's input).
    const encoded = await api.call('POST', '/codec/encode', api.tokens.admin, {
      payloads: res.body.payloads,
    });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(
      'binary/encrypted',
    );
  });

  it('refuses anyone else, and other origins and namespaces', async () => {
    const payloads = (await somePayloads()).slice(0, 1);
    const anonymous = await api.call('POST', '/codec/decode', undefined, { payloads }, { origin: UI_ORIGIN });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    for (const user of ['clerk', 'samr']) {
      const res = await api.call('POST', '/codec/decode', api.tokens[user], { payloads });
      expect(res.status).toBe(403);
      expect(leaks(JSON.stringify(res.body))).toEqual([]);
    }
    const elsewhere = await api.call(
      'POST',
      '/codec/decode',
      api.tokens.manager,
      { payloads },
      {
        origin: 'https://evil.example',
      },
    );
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    const wrongNamespace = await api.call(
      'POST',
      '/codec/decode',
      api.tokens.manager,
      { payloads },
      {
        'x-namespace': 'someone-else',
      },
    );
    expect(wrongNamespace.status).toBe(400);
    const tampered = [{ ...payloads[0]!, data: Buffer.from('x'.repeat(64)).toString('base64') }];
    const bad = await api.call('POST', '/codec/decode', api.tokens.manager, { payloads: tampered });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toMatch(/undecodable-payload$/);
  });

  it('answers the browser preflight for the UI origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  /** The payloads' data in the CLI's JSON output (proto JSON: base64), as text. */
  const payloadTexts = (json: string) => {
    const texts: string[] = [];
    JSON.parse(json, (key, value) => {
      if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString());
      return value;
    });
    return texts.join('\n');
  };

  it('lets the Temporal CLI show the history decrypted, with a manager token', async () => {
    const cli = resolveTemporalExecutable('dev-server');
    if (cli.type !== 'existing-path') throw new Error('the Temporal CLI is not installed');
    const show = (...extra: string[]) =>
      promisify(execFile)(
        cli.path,
        ['workflow', 'show', '-w', caseId, '--address', api.engine.temporal.address, '-o', 'json', ...extra],
        { maxBuffer: 64 * 1024 * 1024 },
      ).then((r) => payloadTexts(r.stdout));
    expect(await show()).not.toContain(NAME);
    const decoded = await show(
      '--codec-endpoint',
      `${api.url}/codec`,
      '--codec-auth',
      `Bearer ${api.tokens.manager}`,
    );
    expect(decoded).toContain(NAME);
  });
});

describe('the logs of the API and the worker', () => {
  it('hold none of the personal data, though they logged the failures', () => {
    const api500 = apiLog.find((l) => l.includes('request failed'));
    expect(api500, 'the 500 was logged').toBeDefined();
    expect(apiLog.some((l) => l.includes('incoming request'))).toBe(true);
    expect(workerLog.some((l) => l.includes('Activity failed'))).toBe(true);
    expect(leaks(apiLog.join('\n'))).toEqual([]);
    expect(leaks(workerLog.join('\n'))).toEqual([]);
    for (const token of Object.values(api.tokens)) expect(apiLog.join('\n')).not.toContain(token);
    expect(api500).toContain('params: [redacted]');
  });
});
