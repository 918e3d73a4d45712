// The app's own plugins that apply to every route: problem+json errors, request validation that lists every
// failing field, no-store unless a route says otherwise, the shared Problem schema, the request's user (set by authentication where it runs) and
// browser sessions.
import type { FastifyInstance } from 'fastify';
import type { SessionStore } from '../../../db/sessions.ts';
import { Problem } from '../../schemas/common.ts';
import { registerCacheControl } from './cache-control.ts';
import { registerErrorHandling } from './errors.ts';
import { registerSessions } from './session.ts';
import { registerValidation } from './validation.ts';

export interface AppPluginOptions {
  sessions: SessionStore;
  cookieSecure: boolean;
}

export async function registerAppPlugins(app: FastifyInstance, options: AppPluginOptions): Promise<void> {
  registerErrorHandling(app);
  registerCacheControl(app);
  registerValidation(app);
  app.addSchema(Problem);
  app.decorateRequest('user', null);
  registerSessions(app, options.sessions, { secure: options.cookieSecure });
}
