// Signing in at /login: POST opens a browser session (cookie + CSRF token), GET tells the UI who is signed
// in, DELETE signs out. Wrong user, wrong password and disabled user get one answer in about the same time;
// five failures in a minute per user name or per client address make the next attempt wait (429).
import { Type } from 'typebox';
import { dummyHash, verifyPassword } from '../../db/passwords.ts';
import type { Session } from '../../db/sessions.ts';
import { credentialsOf, type User } from '../../db/users.ts';
import type { App, AppDeps } from '../deps.ts';
import { FailureLimiter } from '../failure-limiter.ts';
import { currentUser } from '../plugins/app/auth.ts';
import { checkCsrf, clearSessionCookie, sessionSecret, setSessionCookie } from '../plugins/app/session.ts';
import { Problem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Text } from '../schemas/text.ts';

export const SessionUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]),
});

export const SessionView = Type.Object({
  user: SessionUser,
  csrfToken: Type.String({ description: 'send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE' }),
  idleMinutes: Type.Number({ description: 'the session ends after this much inactivity' }),
});

const SignInBody = Type.Object(
  {
    username: Text({ minLength: 1, maxLength: 64 }),
    password: Text({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

const invalidCredentials = () =>
  new Problem(401, 'invalid-credentials', 'Invalid credentials', 'The user name or the password is wrong.');

export interface SessionRouteOptions {
  /** Counts failed sign-ins (per user name and per client address). */
  limiter?: FailureLimiter;
}

export function sessionRoutes(app: App, deps: AppDeps, options: SessionRouteOptions = {}): void {
  const limiter = options.limiter ?? new FailureLimiter({ max: 5, windowMs: 60_000 });
  const idleMinutes = app.sessions.idleMs / 60_000;
  const view = (user: User, session: Session) => ({
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      department: user.department,
    },
    csrfToken: session.csrfToken,
    idleMinutes,
  });

  app.post(
    '/api/session',
    {
      config: {
        anonymous: true,
        rateLimit: { max: deps.limits.signIn.max, timeWindow: deps.limits.signIn.windowMs },
      },
      schema: {
        tags: ['session'],
        summary: 'Sign in (browser): sets the yjs_session cookie and returns the CSRF token',
        security: [],
        body: SignInBody,
        response: { 200: SessionView, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const username = request.body.username.trim().toLowerCase();
      const keys = [`user:${username}`, `ip:${request.ip}`];
      limiter.check(keys, 'sign-in', reply);
      const found = await credentialsOf(deps.db, username);
      // Unknown users and users without a password are checked against a dummy hash: same work, same time.
      const ok = await verifyPassword(request.body.password, found?.passwordHash ?? (await dummyHash()));
      if (!found?.passwordHash || found.disabled || !ok) {
        limiter.fail(keys);
        throw invalidCredentials();
      }
      limiter.reset(`user:${username}`);
      const { secret, session } = await app.sessions.create(found.user);
      setSessionCookie(request, reply, secret);
      reply.header('cache-control', 'no-store');
      return view(found.user, session);
    },
  );

  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'The signed-in user and the CSRF token (401 unauthorized or session-expired otherwise)',
        security: [],
        response: { 200: SessionView, ...problems(401) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!request.session) {
        throw new Problem(
          401,
          'unauthorized',
          'Unauthorized',
          'This request carries an API token, not a browser session.',
        );
      }
      reply.header('cache-control', 'no-store');
      return view(user, request.session);
    },
  );

  app.delete(
    '/api/session',
    {
      config: { anonymous: true },
      schema: {
        tags: ['session'],
        summary: 'Sign out: ends the session and clears the cookie',
        security: [],
        response: { 204: Type.Null(), ...problems(403) },
      },
    },
    async (request, reply) => {
      const secret = sessionSecret(request);
      if (secret) {
        const found = await app.sessions.find(secret);
        // Only a live session can be ended by someone else's page; it needs the CSRF token like any change.
        if (found.state === 'live') {
          checkCsrf(request, found.session);
          await app.sessions.delete(found.session.id);
        }
      }
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  );
}
