import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLogNotifier,
  createNotifier,
  createWebhookNotifier,
  type Notification,
  notificationPayload,
  WebhookError,
  webhookSignature,
} from './notifier.ts';

const SECRET = 'test-secret-不要外传';

const stepRed: Notification = {
  kind: 'step.red',
  caseId: 'c-0001',
  caseNo: 'YJS-20261009-000123',
  processId: 'company-startup',
  stepId: 'registration',
  department: 'SAMR',
  deadline: '2026-10-09T09:00:00.000Z',
  at: '2026-10-09T09:00:00.000Z',
  recipients: { departmentSupervisors: 'SAMR', managers: true },
};

const caseYellow: Notification = {
  kind: 'case.yellow',
  caseId: 'c-0002',
  caseNo: 'YJS-20261009-000124',
  processId: 'newborn',
  deadline: '2026-10-12T09:00:00.000Z',
  at: '2026-10-09T09:00:00.000Z',
  recipients: { managers: true },
};

/** A Notification-shaped object carrying personal data it must never pass on. */
const leaky = {
  ...stepRed,
  applicantName: '张三',
  form: { idNumber: '110101199003070000', phone: '13800000000' },
} as Notification;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  method: string | undefined;
}

/** Independent check of the documented signature scheme. */
function verify(headers: IncomingHttpHeaders, body: string, secret: string): boolean {
  const ts = headers['x-yjs-timestamp'];
  const sig = headers['x-yjs-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string' || !sig.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'));
  const given = Buffer.from(sig.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook notifier against a real HTTP server', () => {
  let server: Server;
  let url: string;
  let received: Received[];
  let respond: (res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          method: req.method,
        });
        respond(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/yjs?token=abc`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received = [];
    respond = (res) => res.writeHead(204).end();
  });

  it('POSTs signed JSON with timestamp and idempotency headers', async () => {
    const fixedNow = Date.parse('2026-10-09T09:00:01.750Z');
    const notifier = createWebhookNotifier({ url, secret: SECRET, timeoutMs: 2000, now: () => fixedNow });
    await notifier.notify(stepRed, 'case:c-0001:step:registration:red:1791536400000');

    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r!.method).toBe('POST');
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['x-yjs-timestamp']).toBe(String(Math.floor(fixedNow / 1000)));
    expect(r!.headers['idempotency-key']).toBe('case:c-0001:step:registration:red:1791536400000');
    expect(r!.headers['x-yjs-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verify(r!.headers, r!.body, SECRET)).toBe(true);
    expect(r!.headers['x-yjs-signature']).toBe(
      webhookSignature(SECRET, r!.headers['x-yjs-timestamp'] as string, r!.body),
    );
    expect(JSON.parse(r!.body)).toEqual(stepRed);
  });

  it('the signature does not verify with another secret or a changed body or timestamp', async () => {
    await createWebhookNotifier({ url, secret: SECRET }).notify(caseYellow, 'k-1');
    const r = received[0]!;
    expect(verify(r.headers, r.body, SECRET)).toBe(true);
    expect(verify(r.headers, r.body, 'another-secret')).toBe(false);
    expect(verify(r.headers, r.body.replace('newborn', 'retirement'), SECRET)).toBe(false);
    const ts = Number(r.headers['x-yjs-timestamp']);
    expect(verify({ ...r.headers, 'x-yjs-timestamp': String(ts + 1) }, r.body, SECRET)).toBe(false);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
  });

  it('sends only the known fields: no personal data even if the caller passes some', async () => {
    await createWebhookNotifier({ url, secret: SECRET }).notify(leaky, 'k-2');
    const body = received[0]!.body;
    expect(body).not.toContain('张三');
    expect(body).not.toContain('110101199003070000');
    expect(body).not.toContain('13800000000');
    expect(Object.keys(JSON.parse(body)).sort()).toEqual(
      [
        'kind',
        'caseId',
        'caseNo',
        'processId',
        'stepId',
        'department',
        'deadline',
        'at',
        'recipients',
      ].sort(),
    );
  });

  it('a case notification has no step or department', async () => {
    await createWebhookNotifier({ url, secret: SECRET }).notify(caseYellow, 'k-3');
    expect(JSON.parse(received[0]!.body)).toEqual(caseYellow);
    expect(JSON.parse(received[0]!.body)).not.toHaveProperty('stepId');
  });

  it('any 2xx resolves', async () => {
    respond = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    await expect(
      createWebhookNotifier({ url, secret: SECRET }).notify(stepRed, 'k-4'),
    ).resolves.toBeUndefined();
    respond = (res) => res.writeHead(202).end();
    await expect(
      createWebhookNotifier({ url, secret: SECRET }).notify(stepRed, 'k-5'),
    ).resolves.toBeUndefined();
  });

  it('500 throws a WebhookError with the status (so the activity retries); the same key goes out again', async () => {
    respond = (res) => res.writeHead(500).end('boom');
    const notifier = createWebhookNotifier({ url, secret: SECRET });
    const err = await notifier.notify(stepRed, 'k-6').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect(err).toMatchObject({ status: 500 });
    expect((err as Error).message).toMatch(/answered 500/);
    // The message names the origin only, not the path or query (a token may live there).
    expect((err as Error).message).not.toContain('token');
    respond = (res) => res.writeHead(204).end();
    await notifier.notify(stepRed, 'k-6');
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['k-6', 'k-6']);
  });

  it('4xx and 3xx throw too', async () => {
    respond = (res) => res.writeHead(400).end();
    await expect(createWebhookNotifier({ url, secret: SECRET }).notify(stepRed, 'k-7')).rejects.toMatchObject(
      {
        status: 400,
      },
    );
    respond = (res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    await expect(
      createWebhookNotifier({ url, secret: SECRET }).notify(stepRed, 'k-8'),
    ).rejects.toBeInstanceOf(WebhookError);
    expect(received).toHaveLength(2); // the redirect was not followed
  });

  it('a receiver slower than the timeout throws', async () => {
    respond = (res) => {
      const timer = setTimeout(() => res.writeHead(204).end(), 2000);
      res.on('close', () => clearTimeout(timer));
    };
    const started = Date.now();
    const err = await createWebhookNotifier({ url, secret: SECRET, timeoutMs: 150 })
      .notify(stepRed, 'k-9')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect((err as Error).message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a stalled response body counts against the timeout', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      const timer = setTimeout(() => res.end(), 2000);
      res.on('close', () => clearTimeout(timer));
    };
    await expect(
      createWebhookNotifier({ url, secret: SECRET, timeoutMs: 150 }).notify(stepRed, 'k-10'),
    ).rejects.toThrow(/timed out/);
  });

  it('a refused connection throws', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      createWebhookNotifier({ url: `http://127.0.0.1:${port}/`, secret: SECRET, timeoutMs: 2000 }).notify(
        stepRed,
        'k',
      ),
    ).rejects.toThrow(/failed/);
  });

  it('an empty idempotency key is refused before sending', async () => {
    await expect(createWebhookNotifier({ url, secret: SECRET }).notify(stepRed, '')).rejects.toThrow(
      /idempotency/,
    );
    expect(received).toHaveLength(0);
  });
});

describe('createWebhookNotifier options', () => {
  it('refuses a missing secret, a bad URL and a bad timeout', () => {
    expect(() => createWebhookNotifier({ url: 'http://127.0.0.1/', secret: '' })).toThrow(
      /secret is required/,
    );
    expect(() => createWebhookNotifier({ url: 'not a url', secret: 's' })).toThrow(/not a valid URL/);
    expect(() => createWebhookNotifier({ url: 'ftp://example.org/', secret: 's' })).toThrow(/http or https/);
    expect(() => createWebhookNotifier({ url: 'http://127.0.0.1/', secret: 's', timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    );
  });
});

describe('log notifier', () => {
  it('writes one JSON line with the key and only the known fields', async () => {
    const lines: string[] = [];
    await createLogNotifier((l) => lines.push(l)).notify(leaky, 'key-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ msg: 'notification', idempotencyKey: 'key-1', ...stepRed });
    expect(lines[0]).not.toContain('张三');
    expect(lines[0]).not.toContain('110101199003070000');
  });

  it('logs a key once (a retried activity), other keys each time', async () => {
    const lines: string[] = [];
    const notifier = createLogNotifier((l) => lines.push(l));
    await notifier.notify(stepRed, 'a');
    await notifier.notify(stepRed, 'a');
    await notifier.notify(caseYellow, 'b');
    expect(lines.map((l) => JSON.parse(l).idempotencyKey)).toEqual(['a', 'b']);
  });

  it('keeps a bounded memory of keys', async () => {
    const lines: string[] = [];
    const notifier = createLogNotifier((l) => lines.push(l), 2);
    for (const k of ['a', 'b', 'c', 'a']) await notifier.notify(stepRed, k);
    expect(lines).toHaveLength(4); // 'a' was forgotten after 'c'
  });

  it('a failing log throws and the key is not remembered, so the retry logs', async () => {
    const lines: string[] = [];
    let fail = true;
    const notifier = createLogNotifier((l) => {
      if (fail) throw new Error('disk full');
      lines.push(l);
    });
    await expect(notifier.notify(stepRed, 'x')).rejects.toThrow('disk full');
    fail = false;
    await notifier.notify(stepRed, 'x');
    expect(lines).toHaveLength(1);
  });
});

describe('notificationPayload', () => {
  it('keeps the known fields and drops everything else', () => {
    expect(notificationPayload(leaky)).toEqual(stepRed);
    expect(notificationPayload({ ...caseYellow, recipients: { managers: true, extra: 1 } as never })).toEqual(
      caseYellow,
    );
  });
});

describe('createNotifier', () => {
  it('a webhook when a URL and a secret are configured', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const lines: string[] = [];
      const notifier = createNotifier({
        webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        webhookSecret: SECRET,
        webhookTimeoutMs: 2000,
        log: (l) => lines.push(l),
      });
      const hits = new Promise<IncomingHttpHeaders>((resolve) =>
        server.once('request', (req) => resolve(req.headers)),
      );
      await notifier.notify(stepRed, 'via-config');
      expect((await hits)['idempotency-key']).toBe('via-config');
      expect(lines).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a log notifier otherwise (empty strings count as unset)', async () => {
    for (const config of [
      {},
      { webhookUrl: '' },
      { webhookUrl: '  ', webhookSecret: '' },
      { webhookSecret: 's' },
    ]) {
      const lines: string[] = [];
      await createNotifier({ ...config, log: (l) => lines.push(l) }).notify(caseYellow, 'k');
      expect(lines).toHaveLength(1);
    }
  });

  it('refuses a URL without a secret rather than send unsigned', () => {
    expect(() => createNotifier({ webhookUrl: 'http://127.0.0.1/' })).toThrow(/webhookSecret/);
    expect(() => createNotifier({ webhookUrl: 'http://127.0.0.1/', webhookSecret: '' })).toThrow(
      /webhookSecret/,
    );
  });
});
