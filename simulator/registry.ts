// The simulated departments and how each behaves right now (delay, approve and error rates, latency,
// outage): set at start, changed at runtime through the control API, read by the department endpoints
// and the decision scheduler on every request, so a change takes effect at once.
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { DepartmentPatch, SimulatedDepartment } from './control-types.ts';
import { error, invalid, SimulatorError } from './errors.ts';

/** A department's effective behaviour; what GET /_control/departments shows, minus the secret. */
export type DepartmentConfig = Required<Omit<SimulatedDepartment, 'outage'>> & {
  outage: { from: number; until: number } | null;
};
export type PublicDepartmentConfig = Omit<DepartmentConfig, 'secret'>;

export const Code = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Rate = Type.Number({ minimum: 0, maximum: 1 });
const Millis = Type.Integer({ minimum: 0, maximum: 86_400_000 });
const Outage = Type.Union([Type.Null(), Type.Object({ from: Type.Number(), until: Type.Number() })]);
const patchFields = {
  secret: Type.Optional(Type.String({ minLength: 1 })),
  delayMs: Type.Optional(Millis),
  approveRate: Type.Optional(Rate),
  errorRate: Type.Optional(Rate),
  latencyMs: Type.Optional(Millis),
  outage: Type.Optional(Outage),
};
const checkPatch = Compile(Type.Object(patchFields, { additionalProperties: false }));
const checkDepartment = Compile(
  Type.Object(
    { ...patchFields, code: Code, secret: Type.String({ minLength: 1 }) },
    { additionalProperties: false },
  ),
);

function toConfig(d: SimulatedDepartment): DepartmentConfig {
  return {
    code: d.code,
    secret: d.secret,
    delayMs: d.delayMs ?? 50,
    approveRate: d.approveRate ?? 1,
    errorRate: d.errorRate ?? 0,
    latencyMs: d.latencyMs ?? 0,
    outage: d.outage ?? null,
  };
}

export function withoutSecret({ secret: _secret, ...rest }: DepartmentConfig): PublicDepartmentConfig {
  return structuredClone(rest);
}

export const inOutage = (d: DepartmentConfig, now: number) =>
  d.outage !== null && now >= d.outage.from && now < d.outage.until;

export class DepartmentRegistry {
  readonly #departments = new Map<string, DepartmentConfig>();

  /** Throws on an invalid or repeated department: a simulator misconfigured at start does not start. */
  constructor(departments: SimulatedDepartment[]) {
    for (const d of departments) {
      const problem = invalid(checkDepartment, d);
      if (problem)
        throw new Error(
          `Invalid simulated department ${JSON.stringify(d.code)}: ${JSON.stringify(problem.errors)}`,
        );
      if (this.#departments.has(d.code)) throw new Error(`Department ${d.code} is configured twice.`);
      this.#departments.set(d.code, toConfig(d));
    }
  }

  /** The live config (server-internal), or undefined for an unknown code. */
  find(code: string): DepartmentConfig | undefined {
    return this.#departments.get(code);
  }

  /** The live config; a SimulatorError 404 for an unknown code. */
  get(code: string): DepartmentConfig {
    const d = this.#departments.get(code);
    if (!d) throw new SimulatorError(404, error('unknown-department', `No department ${code}.`));
    return d;
  }

  list(): PublicDepartmentConfig[] {
    return [...this.#departments.values()].map(withoutSecret);
  }

  configure(code: string, patch: DepartmentPatch): PublicDepartmentConfig {
    const d = this.get(code);
    const problem = invalid(checkPatch, patch);
    if (problem) throw new SimulatorError(400, problem);
    Object.assign(d, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    return withoutSecret(d);
  }

  /** Starts an outage of `seconds` from now; 0 ends one. */
  outage(code: string, seconds: number): PublicDepartmentConfig {
    const now = Date.now();
    return this.configure(code, {
      outage: seconds > 0 ? { from: now, until: now + Math.round(seconds * 1000) } : null,
    });
  }
}
