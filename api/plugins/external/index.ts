// Every third-party Fastify plugin the API uses, registered in one place (as in fastify/demo's
// plugins/external): the app's own plugins are in ../app, the routes in ../../routes.
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { registerMultipart } from './multipart.ts';
import { registerOpenApi } from './openapi.ts';
import { registerSecurity } from './security.ts';

export interface ExternalPluginOptions {
  materialMaxBytes: number;
}

export async function registerExternalPlugins(app: FastifyInstance, options: ExternalPluginOptions) {
  await registerSecurity(app);
  await registerOpenApi(app);
  await registerMultipart(app, options.materialMaxBytes);
  // Browser sessions (plugins/app/session.ts) ride on a cookie.
  await app.register(cookie);
}
