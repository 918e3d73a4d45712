// Real things for the fuzzer to hit: without them nearly every case, step, user or process id it makes up is
// unknown and the request stops at a 404. Before the runs, the clerk submits one case of every catalog
// process (the samples of test/fixtures/examples.ts) and registration approves one company start-up, so
// cases exist in several states; their ids and numbers, the catalog's step and process ids, the users'
// ids and the departments become schemathesis dictionaries, used for half of the generated values of the
// matching path parameters (the other half stays generated, for the malformed and unknown ones).
import { writeFileSync } from 'node:fs';
import { CATALOG, loadCatalog } from '../../processes/index.ts';
import { SAMPLE_SCAN, SAMPLES } from '../../test/fixtures/examples.ts';

export interface SeedTokens {
  clerk: string;
  samr: string;
  admin: string;
}

interface Seeded {
  cases: string[];
  caseNos: string[];
  steps: string[];
  processes: string[];
  users: string[];
  departments: string[];
}

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** One uploaded sample scan per material of the process: material id -> upload id. */
async function uploadMaterials(baseUrl: string, token: string, processId: string) {
  const definition = loadCatalog(CATALOG).find((d) => d.id === processId);
  const uploads: Record<string, string> = {};
  for (const material of definition?.materials ?? []) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(SAMPLE_SCAN)]), `${material.id}.pdf`);
    const response = await fetch(`${baseUrl}/api/materials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    if (response.ok) uploads[material.id] = ((await response.json()) as { id: string }).id;
  }
  return uploads;
}

export async function seed(baseUrl: string, tokens: SeedTokens): Promise<Seeded> {
  const cases: string[] = [];
  const caseNos: string[] = [];
  for (const [processId, sample] of Object.entries(SAMPLES)) {
    const created = await call(baseUrl, tokens.clerk, 'POST', '/api/cases', {
      processId,
      application: sample.application,
      materials: await uploadMaterials(baseUrl, tokens.clerk, processId),
    });
    if (created.status !== 201) {
      console.warn(`seed: ${processId} answered ${created.status} (${created.body?.detail ?? ''})`);
      continue;
    }
    cases.push(created.body.id);
    caseNos.push(created.body.caseNo);
  }
  const company = cases[0];
  if (company) {
    const decided = await call(
      baseUrl,
      tokens.samr,
      'POST',
      `/api/cases/${company}/steps/registration/decision`,
      {
        outcome: 'approve',
        opinion: '同意',
        outputs: SAMPLES['company-startup']!.approvals.registration!.outputs,
      },
    );
    if (decided.status !== 200) console.warn(`seed: the registration decision answered ${decided.status}`);
  }
  const processes = (
    (await call(baseUrl, tokens.admin, 'GET', '/api/processes')).body as { id: string }[]
  ).map((p) => p.id);
  const users = ((await call(baseUrl, tokens.admin, 'GET', '/api/users')).body as { id: string }[]).map(
    (u) => u.id,
  );
  const steps = [...new Set(Object.values(SAMPLES).flatMap((s) => Object.keys(s.approvals)))];
  const departments = [
    ...new Set(Object.values(SAMPLES).flatMap((s) => Object.values(s.approvals).map((a) => a.department))),
  ];
  return { cases, caseNos, steps, processes, users, departments };
}

const toml = (value: unknown) => JSON.stringify(value);

/** A schemathesis.toml binding the seeded values to the path parameters that name them. */
export function writeConfig(path: string, seeded: Seeded): void {
  const dictionaries = Object.entries(seeded)
    .filter(([, values]) => values.length > 0)
    .map(([name, values]) => `[dictionaries.${name}]\nvalues = ${toml(values)}\n`);
  const has = (name: keyof Seeded) => seeded[name].length > 0;
  const bind = (regex: string, bindings: Record<string, keyof Seeded>) => {
    const used = Object.entries(bindings).filter(([, name]) => has(name));
    if (used.length === 0) return '';
    const parameters = used
      .map(([parameter, name]) => `${toml(parameter)} = { dictionary = ${toml(name)}, probability = 0.5 }`)
      .join(', ');
    return `[[operations]]\ninclude-path-regex = ${toml(regex)}\nparameters = { ${parameters} }\n`;
  };
  writeFileSync(
    path,
    [
      ...dictionaries,
      bind('^/api/cases/\\{id\\}', { 'path.id': 'cases', 'path.stepId': 'steps' }),
      bind('^/api/users/\\{id\\}', { 'path.id': 'users' }),
      bind('^/api/processes/\\{id\\}', { 'path.id': 'processes' }),
      bind('^/api/track/\\{caseNo\\}', { 'path.caseNo': 'caseNos' }),
      bind('^/api/callbacks/\\{department\\}', { 'path.department': 'departments' }),
    ].join('\n'),
  );
}
