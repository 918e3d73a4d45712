// Drives the cases through the HTTP API as the window clerk, the departments' staff and a manager would:
// company start-ups plus the other processes of a service centre's day (bench/mix.ts), each with a script
// of approvals, denials and supplement requests (补正). Steps of the departments' own systems are left to
// the simulator; an incident the engine gave up on is redispatched by the manager once the system is back.
// Every action carries an Idempotency-Key, so a repeat after a 503 or a dropped connection is applied once.
import { mixEntryFor } from '../bench/mix.ts';
import { CATALOG } from '../processes/index.ts';
import { SAMPLE_SCAN, SAMPLES } from '../test/fixtures/examples.ts';
import { type ChaosClient, pause } from './client.ts';
import { SYSTEM_DEPARTMENTS } from './topology.ts';

/** Which worklist decision of a case (1-based, in the order the driver makes them) denies or asks for a supplement. */
export interface Script {
  denyAt?: number;
  supplementAt?: number;
}

export interface DecisionRecord {
  caseId: string;
  stepId: string;
  round: number;
  outcome: 'approve' | 'deny' | 'supplement';
  /** The demo user who decided (the department's staff). */
  user: string;
  key: string;
  status: number;
  problem?: string;
  at: number;
}

export interface CaseRecord {
  index: number;
  processId: string;
  script: Script;
  caseId?: string;
  /** The last status the driver saw. */
  status?: string;
  decisions: DecisionRecord[];
  supplements: number;
  /** Worklist decisions started (numbers them for the script, also when several run at once). */
  started: number;
  /** Anything the API answered that a correct engine would not (a 4xx to a valid request, say). */
  unexpected: string[];
}

interface StepView {
  stepId: string;
  department: string;
  status: string;
  round: number;
}

const DENY_REASONS = ['不符合法定条件'];

/** The i-th case's script: most approve throughout; some are denied at one step; some get a supplement request first. */
export function scriptFor(i: number): Script {
  const script: Script = {};
  if (i % 5 === 1) script.supplementAt = 1;
  if (i % 7 === 3) script.denyAt = i % 14 === 3 ? 1 : 2;
  return script;
}

export class Driver {
  readonly records: CaseRecord[] = [];
  /** Answer instants of every 2xx decision, in order (recovery times are read from these). */
  readonly decisionTimes: number[] = [];
  readonly redispatches: { caseId: string; stepId: string; status: number }[] = [];
  #materials: Record<string, Record<string, string>> = {};
  done = false;

  constructor(
    readonly client: ChaosClient,
    readonly tokens: Record<string, string>,
    readonly runId: string,
    /** Whether a department's own system is down now (incidents wait until it is back). */
    readonly systemDown: (department: string) => boolean,
    readonly caseTimeoutMs = 240_000,
  ) {}

  /** One upload per material of each process, made once and attached to every case. */
  async uploadMaterials(): Promise<void> {
    for (const definition of CATALOG) {
      const ids: Record<string, string> = {};
      for (const material of definition.materials) {
        const answer = await this.client.upload(
          '/api/materials',
          this.tokens.clerk!,
          SAMPLE_SCAN,
          `${material.id}.pdf`,
        );
        if (answer.status !== 201) throw new Error(`upload ${material.id}: ${answer.status}`);
        ids[material.id] = answer.body.id;
      }
      this.#materials[definition.id] = ids;
    }
  }

  async run(cases: number, concurrency: number): Promise<void> {
    let next = 0;
    const incidents = this.#watchIncidents();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, cases) }, async () => {
        while (next < cases) await this.#runCase(next++);
      }),
    );
    this.done = true;
    await incidents;
  }

  async #runCase(index: number): Promise<void> {
    const processId = mixEntryFor(index).processId;
    const record: CaseRecord = {
      index,
      processId,
      script: scriptFor(index),
      decisions: [],
      supplements: 0,
      started: 0,
      unexpected: [],
    };
    this.records.push(record);
    const key = `${this.runId}-${index}`;
    try {
      const submitted = await this.client.call<{ id: string }>(
        'POST',
        '/api/cases',
        this.tokens.clerk!,
        { processId, application: SAMPLES[processId]!.application, materials: this.#materials[processId] },
        `submit-${key}`,
      );
      if (submitted.status !== 201 && submitted.status !== 200) {
        record.unexpected.push(`submit: ${submitted.status} ${JSON.stringify(submitted.body).slice(0, 300)}`);
        return;
      }
      const caseId = submitted.body.id;
      record.caseId = caseId;
      const acted = new Set<string>();
      const deadline = Date.now() + this.caseTimeoutMs;
      while (Date.now() < deadline) {
        const detail = await this.client.call<{ status: string; steps: StepView[] }>(
          'GET',
          `/api/cases/${caseId}`,
          this.tokens.manager!,
        );
        if (detail.status !== 200) {
          record.unexpected.push(`read: ${detail.status}`);
          return;
        }
        record.status = detail.body.status;
        if (detail.body.status !== 'running') return;
        const actions = detail.body.steps.flatMap((step) => {
          const id = `${step.stepId}:${step.round}:${step.status}`;
          if (acted.has(id)) return [];
          if (step.status === 'awaiting_decision' && !SYSTEM_DEPARTMENTS.includes(step.department)) {
            acted.add(id);
            return [this.#decide(record, caseId, step, key)];
          }
          if (step.status === 'supplement_requested') {
            acted.add(id);
            return [this.#supplement(record, caseId, step, key)];
          }
          return [];
        });
        if (actions.length) await Promise.all(actions);
        else await pause(250);
      }
      record.unexpected.push(`still running after ${this.caseTimeoutMs / 1000} s`);
    } catch (error) {
      record.unexpected.push((error as Error).message);
    }
  }

  async #decide(record: CaseRecord, caseId: string, step: StepView, key: string): Promise<void> {
    const n = ++record.started;
    const outcome =
      n === record.script.supplementAt && step.round === 1
        ? 'supplement'
        : n === record.script.denyAt
          ? 'deny'
          : 'approve';
    const sample = SAMPLES[record.processId]!.approvals[step.stepId];
    const body =
      outcome === 'approve'
        ? { outcome, opinion: '同意', outputs: sample?.outputs ?? {} }
        : outcome === 'deny'
          ? { outcome, opinion: '不予许可', reasons: DENY_REASONS }
          : { outcome, opinion: '材料不齐', items: [{ item: 'materials', reason: '复印件不清晰，请补正' }] };
    const user = step.department.toLowerCase();
    const decisionKey = `decide-${key}-${step.stepId}-${step.round}`;
    const answer = await this.client.call<{ type?: string }>(
      'POST',
      `/api/cases/${caseId}/steps/${step.stepId}/decision`,
      this.tokens[user]!,
      body,
      decisionKey,
    );
    record.decisions.push({
      caseId,
      stepId: step.stepId,
      round: step.round,
      outcome,
      user,
      key: decisionKey,
      status: answer.status,
      ...(answer.status === 200 ? {} : { problem: answer.body?.type ?? '' }),
      at: answer.at,
    });
    if (answer.status === 200) this.decisionTimes.push(answer.at);
    // 409: the step moved on meanwhile (a sibling's denial cancelled it); anything else is a defect.
    else if (answer.status !== 409)
      record.unexpected.push(
        `decide ${step.stepId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
  }

  async #supplement(record: CaseRecord, caseId: string, step: StepView, key: string): Promise<void> {
    const answer = await this.client.call(
      'POST',
      `/api/cases/${caseId}/supplements`,
      this.tokens.clerk!,
      { stepId: step.stepId, note: '已补充清晰的复印件' },
      `supplement-${key}-${step.stepId}-${step.round}`,
    );
    if (answer.status === 200) record.supplements++;
    else if (answer.status !== 409)
      record.unexpected.push(
        `supplement ${step.stepId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
  }

  /** The manager's part: incidents the engine stopped retrying are redispatched once their system is back. */
  async #watchIncidents(): Promise<void> {
    while (!this.done) {
      await pause(2000);
      const answer = await this.client
        .call<
          {
            caseId: string;
            stepId: string;
            round: number;
            department: string;
            retrying: boolean;
            lastAt: string;
          }[]
        >('GET', '/api/incidents', this.tokens.manager!)
        .catch(() => undefined);
      if (answer?.status !== 200) continue;
      for (const incident of answer.body) {
        if (incident.retrying || this.systemDown(incident.department)) continue;
        const redispatched = await this.client
          .call(
            'POST',
            `/api/cases/${incident.caseId}/steps/${incident.stepId}/redispatch`,
            this.tokens.manager!,
            undefined,
            `redispatch-${incident.caseId}-${incident.stepId}-${incident.round}-${incident.lastAt}`,
          )
          .catch(() => undefined);
        this.redispatches.push({
          caseId: incident.caseId,
          stepId: incident.stepId,
          status: redispatched?.status ?? 0,
        });
      }
    }
  }
}
