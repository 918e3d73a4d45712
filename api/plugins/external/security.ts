// Security headers (@fastify/helmet) and the request limiter (@fastify/rate-limit, limits set per route and
// by failure gates, none globally).
//
// The Content-Security-Policy fits the browser UI (web/, built by services/web-build.ts): its HTML entries
// load only hashed scripts and stylesheets from /assets (no inline script), so scripts come from 'self'
// alone. Styles need 'unsafe-inline': antd writes its CSS-in-JS as <style> elements and sets style
// attributes (a nonce cannot cover attributes), and inline styles cannot run code. The staff app also
// needs 'unsafe-eval' (STAFF_SCRIPT_SRC): the combined form is validated in the browser by Ajv
// (@rjsf/validator-ajv8), which compiles each process's form schema into a function; the applicant's
// tracking page does not get it. /docs (Swagger UI) sets its own policy with hashes (staticCSP).
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { tooManyRequests } from '../app/failure-gate.ts';

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  // Not upgrade-insecure-requests: the embedded mode is served over plain http://127.0.0.1.
  upgradeInsecureRequests: null,
};

/** script-src of the staff app's page (index.html): Ajv compiles form schemas at run time. */
export const STAFF_SCRIPT_SRC = "script-src 'self' 'unsafe-eval'";

export async function registerSecurity(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // The codec endpoint is called cross-origin by the Temporal UI (CORS); CORP would not stop that, but
    // same-site keeps other sites from embedding API answers.
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      tooManyRequests(Math.max(1, Math.ceil(context.ttl / 1000)), 'requests'),
  });
}
