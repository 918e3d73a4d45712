// The run's HTTP client, as a real one behaves: requests go round-robin across the API processes; a 503
// or a connection error is repeated (on the next API, after Retry-After, with the same Idempotency-Key)
// until a bound; every answer is counted by status, so the report can say how many 5xx the outages cost.

export interface Answer<T = unknown> {
  status: number;
  body: T;
  /** When the answer arrived (ms since the epoch). */
  at: number;
}

export interface ClientStats {
  requests: number;
  /** Answers by status. */
  statuses: Record<number, number>;
  /** Requests that got no answer (refused connection, reset socket), each repeated. */
  connectionErrors: number;
  /** 5xx other than 503: each is a defect (an outage must answer 503). */
  serverErrors: { method: string; path: string; status: number; body: string }[];
  /** Requests given up after the retry bound. */
  abandoned: { method: string; path: string; last: string }[];
}

export class ChaosClient {
  #next = 0;
  readonly stats: ClientStats = {
    requests: 0,
    statuses: {},
    connectionErrors: 0,
    serverErrors: [],
    abandoned: [],
  };

  constructor(
    readonly urls: string[],
    /** How long one logical request may keep retrying. */
    readonly retryForMs = 180_000,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<Answer<T>> {
    const deadline = Date.now() + this.retryForMs;
    let last = '';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const url = this.urls[this.#next++ % this.urls.length]!;
      this.stats.requests++;
      let response: Response;
      try {
        response = await fetch(url + path, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        this.stats.connectionErrors++;
        last = (error as Error).cause ? String((error as { cause: unknown }).cause) : String(error);
        await pause(Math.min(200 * 2 ** attempt, 2000));
        continue;
      }
      const text = await response.text();
      this.stats.statuses[response.status] = (this.stats.statuses[response.status] ?? 0) + 1;
      if (response.status >= 500 && response.status !== 503)
        this.stats.serverErrors.push({ method, path, status: response.status, body: text.slice(0, 500) });
      if (response.status === 503 || response.status >= 500) {
        last = `${response.status} ${text.slice(0, 200)}`;
        const retryAfter = Number(response.headers.get('retry-after') ?? 1);
        await pause(Math.min(Math.max(retryAfter, 0.2), 5) * 1000 * (0.5 + Math.random() / 2));
        continue;
      }
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T, at: Date.now() };
    }
    this.stats.abandoned.push({ method, path, last });
    throw new Error(`${method} ${path}: no answer within ${this.retryForMs / 1000} s (${last})`);
  }

  /** A multipart upload (materials), retried likewise; a repeat stores the same content again, harmlessly. */
  async upload(
    path: string,
    token: string,
    bytes: Buffer,
    filename: string,
  ): Promise<Answer<{ id: string }>> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const url = this.urls[this.#next++ % this.urls.length]!;
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), filename);
      try {
        const response = await fetch(url + path, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: form,
        });
        const body = (await response.json()) as { id: string };
        if (response.status < 500) return { status: response.status, body, at: Date.now() };
      } catch {
        // repeated below
      }
      await pause(500);
    }
    throw new Error(`upload ${filename} failed`);
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
