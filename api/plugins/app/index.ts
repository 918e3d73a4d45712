// The app's own plugins that apply to every route: problem+json errors, request validation that lists every
// failing field, the shared Problem schema, and the request's user (set by authentication where it runs).
import type { FastifyInstance } from 'fastify';
import { Problem } from '../../schemas/common.ts';
import { registerErrorHandling } from './errors.ts';
import { registerValidation } from './validation.ts';

export function registerAppPlugins(app: FastifyInstance): void {
  registerErrorHandling(app);
  registerValidation(app);
  app.addSchema(Problem);
  app.decorateRequest('user', null);
}
