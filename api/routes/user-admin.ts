// Admins manage accounts: reset a password, disable or enable a user (a disabled user's tokens and
// sessions stop working), and see a user's tokens (labels and dates, never the secrets).
import { Type } from 'typebox';
import { hashPassword } from '../../db/passwords.ts';
import { findUser, setDisabled, setPasswordHash, tokensOf } from '../../db/users.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { conflict, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Text } from '../schemas/text.ts';
import { UserRecord } from './users.ts';

const UserParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const TokenView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function userAdminRoutes(app: App, deps: AppDeps): void {
  const admin = { preValidation: requireRole('admin') };
  const unknownUser = (id: string) => notFound('user', `There is no user ${id}.`);

  app.put(
    '/api/users/:id/password',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: "Set a user's password (ends their browser sessions)",
        params: UserParams,
        body: Type.Object(
          { password: Text({ minLength: 8, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const hash = await hashPassword(request.body.password);
      if (!(await setPasswordHash(deps.db, request.params.id, hash))) throw unknownUser(request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    app.post(
      `/api/users/:id/${action}`,
      {
        ...admin,
        schema: {
          tags: ['users'],
          summary:
            action === 'disable'
              ? 'Disable a user: their tokens and sessions stop working at once'
              : 'Enable a disabled user again',
          params: UserParams,
          response: { 200: UserRecord, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        if (action === 'disable' && request.params.id === currentUser(request).id) {
          throw conflict(
            'cannot-disable-self',
            'Cannot disable yourself',
            'An admin cannot disable their own account (another admin can).',
          );
        }
        const user = await setDisabled(deps.db, request.params.id, action === 'disable');
        if (!user) throw unknownUser(request.params.id);
        return user;
      },
    );
  }

  app.get(
    '/api/users/:id/tokens',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: "A user's API tokens (never the secrets), newest first",
        params: UserParams,
        response: { 200: Type.Array(TokenView), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      if (!(await findUser(deps.db, request.params.id))) throw unknownUser(request.params.id);
      return (await tokensOf(deps.db, request.params.id)).map((t) => ({
        id: t.id,
        label: t.label,
        createdAt: t.createdAt.toISOString(),
        revokedAt: t.revokedAt?.toISOString() ?? null,
      }));
    },
  );
}
