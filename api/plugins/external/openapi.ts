// OpenAPI: every route's TypeBox schemas published as a spec, browsable at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { problems } from '../../schemas/common.ts';

/**
 * Errors any route may answer, whatever it declares: 400 for malformed path parameters, query strings,
 * headers or bodies, 413/415 for bodies, 414 for a path parameter too long, 429 after too many failed
 * authentications, 503 during an outage.
 */
function withCommonErrors(schema: FastifySchema, method: string | string[]): FastifySchema {
  const s = schema as FastifySchema & {
    response?: Record<string, unknown>;
    consumes?: string[];
    security?: unknown[];
  };
  const codes = [503];
  // Routes that take a token: an address that sent too many unknown ones waits (plugins/app/auth.ts).
  if (!Array.isArray(s.security) || s.security.length > 0) codes.push(429);
  if (s.params) codes.push(400, 414);
  if (s.querystring || s.headers || s.body || s.consumes) codes.push(400);
  // A POST without a declared body still has its body parsed (and refused) by content type and size.
  const post = ([] as string[]).concat(method).includes('POST');
  if (s.body || s.consumes || post) codes.push(413, 415);
  return { ...s, response: { ...problems(...new Set(codes)), ...(s.response ?? {}) } };
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Yijianshi: "one thing" case engine API',
        version: '0.1.0',
        description: 'Combined applications (一件事) run as one case across departments.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => ({
      schema: schema ? withCommonErrors(schema, route.method) : schema,
      url,
    }),
  });
  // Its own Content-Security-Policy, with the hashes of its inline script and style (helmet's would block them).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
