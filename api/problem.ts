// RFC 9457 problem details. Every error the API returns is one of these, with a stable `type` per kind of
// problem so clients can branch on it, and field-level `errors` where input was at fault (all at once).
export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://yijianshi.dev/problems/';

export class Problem extends Error {
  /** Sent as the Retry-After header (seconds): the request may succeed if repeated later. */
  retryAfter?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  body(instance?: string): ProblemBody {
    return {
      type: `${PROBLEM_BASE}${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const notFound = (what: string, detail: string) =>
  new Problem(404, `unknown-${what}`, `Unknown ${what}`, detail);
export const forbidden = (detail: string) => new Problem(403, 'forbidden', 'Forbidden', detail);
export const conflict = (code: string, title: string, detail: string) =>
  new Problem(409, code, title, detail);
export const invalid = (code: string, title: string, detail: string, errors?: FieldError[]) =>
  new Problem(400, code, title, detail, errors);

/** A service we depend on is not answering (now): try again after `retryAfter` seconds. */
export function unavailable(detail: string, retryAfter: number): Problem {
  const problem = new Problem(503, 'service-unavailable', 'Service unavailable', detail);
  problem.retryAfter = retryAfter;
  return problem;
}
