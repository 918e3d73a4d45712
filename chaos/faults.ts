// The faults, injected one after another at random instants while the cases run: a worker SIGKILLed
// (anywhere, the projection window included) and started again, Postgres stopped and started, an API
// process SIGKILLed and started again, and a department's own system down for longer than the engine's
// dispatch attempts last (so incidents are raised, and redispatched by the manager once it is back).
import { pause } from './client.ts';
import type { Driver } from './driver.ts';
import type { Topology } from './topology.ts';

export type FaultKind = 'worker' | 'postgres' | 'api' | 'department';

export interface FaultRecord {
  kind: FaultKind;
  /** Which process or department. */
  target: string;
  at: number;
  /** When what was taken down was back (restarted and ready, or the outage over). */
  restoredAt?: number;
  skipped?: boolean;
}

/**
 * Two tracks that run at once, as real failures do not wait for each other: worker kills (workers hold
 * the most state in flight) and the servers' faults. The full run repeats them.
 */
export function faultPlan(cases: number): FaultKind[][] {
  const rounds = Math.max(1, Math.round(cases / 150));
  const repeat = (round: FaultKind[]) => Array.from({ length: rounds }, () => round).flat();
  return [repeat(['worker', 'worker', 'worker']), repeat(['postgres', 'api', 'department'])];
}

const OUTAGE_SECONDS = 15;

export class Faults {
  readonly records: FaultRecord[] = [];
  #down = new Set<string>();
  #random: () => number;

  constructor(
    readonly topology: Topology,
    seed: number,
  ) {
    // A small seeded generator (mulberry32), so a run's instants can be repeated with --seed.
    let a = seed >>> 0;
    this.#random = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  systemDown = (department: string) => this.#down.has(department);

  async run(tracks: FaultKind[][], driver: Driver, gapMs: [number, number]): Promise<void> {
    await Promise.all(tracks.map((track) => this.#track(track, driver, gapMs)));
  }

  async #track(plan: FaultKind[], driver: Driver, gapMs: [number, number]): Promise<void> {
    for (const kind of plan) {
      await pause(gapMs[0] + this.#random() * (gapMs[1] - gapMs[0]));
      if (driver.done) {
        this.records.push({ kind, target: '-', at: Date.now(), skipped: true });
        continue;
      }
      await this.#inject(kind);
    }
  }

  async #inject(kind: FaultKind): Promise<void> {
    const t = this.topology;
    const pick = <T>(list: T[]) => list[Math.floor(this.#random() * list.length)]!;
    if (kind === 'worker' || kind === 'api') {
      const target = pick(kind === 'worker' ? t.workers : t.apis);
      const record: FaultRecord = { kind, target: `${target.spec.name} (pid ${target.pid})`, at: Date.now() };
      this.records.push(record);
      await target.kill('SIGKILL');
      await pause(500 + this.#random() * 2500);
      await target.start();
      record.restoredAt = Date.now();
    } else if (kind === 'postgres') {
      const record: FaultRecord = { kind, target: `postgres (pid ${t.postgres.pid()})`, at: Date.now() };
      this.records.push(record);
      await t.postgres.down();
      await pause(3000);
      await t.postgres.up();
      record.restoredAt = Date.now();
    } else {
      const department = pick(['TAX', 'BANK']);
      const record: FaultRecord = { kind, target: `${department} down ${OUTAGE_SECONDS} s`, at: Date.now() };
      this.records.push(record);
      this.#down.add(department);
      const response = await fetch(`${t.simulatorUrl}/_control/departments/${department}/outage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds: OUTAGE_SECONDS }),
      });
      if (!response.ok) throw new Error(`simulator outage: ${response.status}`);
      await pause(OUTAGE_SECONDS * 1000);
      this.#down.delete(department);
      record.restoredAt = Date.now();
    }
  }
}
