// The codec endpoint of Temporal's codec server protocol (POST /codec/decode and /codec/encode, body
// {payloads: [{metadata, data}]} in proto JSON, header X-Namespace): the Temporal UI and CLI send the
// encrypted payloads of a history here and show them decrypted. It runs the API client's own payload codecs,
// so it decrypts exactly what this engine encrypted. Managers and admins only (bearer token); browsers may
// call it only from the configured Temporal UI origins (CORS), so no other page can use an operator's token.
import type { Payload } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/app/auth.ts';
import { Problem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Text } from '../schemas/text.ts';

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 16 * 1024 * 1024 });
const JsonPayload = Type.Object({
  metadata: Type.Optional(Type.Union([Type.Record(Type.String(), Base64), Type.Null()])),
  data: Type.Optional(Type.Union([Base64, Type.Null()])),
});
// Proto JSON leaves out an empty list: the CLI sends {} for no payloads.
const Payloads = Type.Object({ payloads: Type.Optional(Type.Array(JsonPayload, { maxItems: 10_000 })) });
type JsonPayloadT = { metadata?: Record<string, string> | null; data?: string | null };

const fromJson = ({ metadata, data }: JsonPayloadT): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});

const toJson = ({ metadata, data }: Payload): JsonPayloadT => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Temporal UI's origins only: other origins get no Access-Control-Allow-Origin at all. */
function corsFor(origins: readonly string[]) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (!origin || !origins.includes(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
  };
}

const schema = (summary: string) => ({
  tags: ['codec'],
  summary,
  headers: Type.Object({ 'x-namespace': Type.Optional(Text({ maxLength: 255 })) }),
  body: Payloads,
  response: { 200: Payloads, ...problems(400, 401, 403) },
});

/** The preflight, which browsers send without credentials: outside the bearer-token scope. */
export function codecPreflightRoutes(app: App, deps: AppDeps): void {
  const cors = corsFor(deps.temporalUiOrigins);
  for (const path of ['/codec/decode', '/codec/encode'])
    app.options(path, { schema: { hide: true } }, async (request, reply) => {
      cors(request, reply);
      if (reply.hasHeader('access-control-allow-origin')) {
        reply.header('access-control-allow-methods', 'POST');
        reply.header('access-control-allow-headers', 'authorization, content-type, x-namespace');
        reply.header('access-control-max-age', '600');
      }
      return reply.status(204).send();
    });
}

export function codecRoutes(app: App, deps: AppDeps): void {
  const codecs = deps.client.options.loadedDataConverter.payloadCodecs;
  const namespace = deps.client.options.namespace;
  const cors = corsFor(deps.temporalUiOrigins);
  // onSend runs for refusals too (401 from the scope's token check), so the UI can tell the operator why.
  const onSend = async (request: FastifyRequest, reply: FastifyReply) => cors(request, reply);

  const checkNamespace = (request: FastifyRequest) => {
    const asked = request.headers['x-namespace'];
    if (asked !== undefined && asked !== namespace)
      throw new Problem(
        400,
        'wrong-namespace',
        'Wrong namespace',
        `This engine's keys encrypt the namespace '${namespace}' only.`,
      );
  };

  app.post(
    '/codec/decode',
    {
      onSend,
      preValidation: requireRole('manager', 'admin'),
      schema: schema('Decrypt Temporal payloads (Temporal codec server protocol; for the Temporal UI)'),
    },
    async (request) => {
      checkNamespace(request);
      let payloads = (request.body.payloads ?? []).map(fromJson);
      try {
        for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
      } catch (error) {
        throw new Problem(
          400,
          'undecodable-payload',
          'Payload cannot be decrypted',
          (error as Error).message,
        );
      }
      return { payloads: payloads.map(toJson) };
    },
  );

  app.post(
    '/codec/encode',
    {
      onSend,
      preValidation: requireRole('manager', 'admin'),
      schema: schema('Encrypt Temporal payloads (Temporal codec server protocol; for the Temporal UI)'),
    },
    async (request) => {
      checkNamespace(request);
      let payloads = (request.body.payloads ?? []).map(fromJson);
      for (const codec of codecs) payloads = await codec.encode(payloads);
      return { payloads: payloads.map(toJson) };
    },
  );
}
