// Browser sessions: the yjs_session cookie (httpOnly, SameSite=Strict, Secure over HTTPS), and the
// synchronizer token (CSRF) that every state-changing request on a session must echo in X-CSRF-Token.
// API systems keep using bearer tokens, which browsers never send on their own, so they need no CSRF token.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session, SessionStore } from '../../../db/sessions.ts';
import { Problem } from '../../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The browser session the request came with, when it authenticated by cookie. */
    session: Session | null;
  }
  interface FastifyInstance {
    sessions: SessionStore;
    sessionCookie: SessionCookieOptions;
  }
  interface FastifyContextConfig {
    /** The route needs no authentication (sign-in, applicants' tracking); it checks what it needs itself. */
    anonymous?: boolean;
  }
}

export const SESSION_COOKIE = 'yjs_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionCookieOptions {
  /** Always mark the cookie Secure (COOKIE_SECURE=1), not only on requests that came over HTTPS. */
  secure: boolean;
}

/** The session store and cookie options, for the auth hook and the session routes (cookies: plugins/external). */
export function registerSessions(
  app: FastifyInstance,
  store: SessionStore,
  options: SessionCookieOptions,
): void {
  app.decorate('sessions', store);
  app.decorate('sessionCookie', options);
  app.decorateRequest('session', null);
}

function cookieOptions(request: FastifyRequest) {
  // request.protocol reads X-Forwarded-Proto only when Fastify trusts the proxy (TRUST_PROXY).
  const secure = request.server.sessionCookie.secure || request.protocol === 'https';
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure };
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(SESSION_COOKIE, secret, cookieOptions(request));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

export function sessionSecret(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

/** Refuses a state-changing request on a session that does not carry the session's CSRF token. */
export function checkCsrf(request: FastifyRequest, session: Session): void {
  if (SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  const expected = Buffer.from(session.csrfToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Problem(
      403,
      'csrf',
      'Missing or wrong CSRF token',
      `A request signed in by cookie that changes something must send the session's csrfToken in ${CSRF_HEADER}.`,
    );
  }
}

export const sessionExpired = () =>
  new Problem(
    401,
    'session-expired',
    'Session expired',
    'The session ended after inactivity; sign in again.',
  );
