// One fetch wrapper for the staff app and the applicant page: same-origin cookies, the CSRF header on
// every state-changing request, and RFC 9457 problems turned into ApiError so screens can show them.
export interface FieldProblem {
  field?: string;
  path?: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
  /** The last segment of the problem type, e.g. 'session-expired'. */
  get code(): string {
    return this.problem.type.split('/').pop() ?? '';
  }
}

let csrfToken: string | null = null;
let onUnauthorized: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called for every 401 except the sign-in attempt itself (the session ended or expired). */
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  onUnauthorized = handler;
}

const SAFE = new Set(['GET', 'HEAD']);

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body === 'object' && typeof body.status === 'number') {
      return {
        type: body.type ?? 'about:blank',
        title: body.title ?? response.statusText,
        status: body.status,
        detail: body.detail ?? '',
        ...(body.errors ? { errors: body.errors } : {}),
      };
    }
  } catch {
    // not JSON: fall through to a generic problem
  }
  return { type: 'about:blank', title: response.statusText, status: response.status, detail: '' };
}

export interface RequestOptions {
  /** Do not report a 401 as a lost session (the sign-in form handles its own). */
  quiet401?: boolean;
  headers?: Record<string, string>;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (!response.ok) {
    const error = new ApiError(await problemOf(response));
    if (response.status === 401 && !options.quiet401) onUnauthorized?.(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) =>
  request<T>('POST', path, body ?? {}, options);
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {});
export const del = <T>(path: string) => request<T>('DELETE', path);
