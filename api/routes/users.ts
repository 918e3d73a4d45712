// User and token administration (admins only). Tokens are shown once, at issue; the database keeps hashes.

import { Type } from 'typebox';
import { hashPassword } from '../../db/passwords.ts';
import {
  createUser,
  findUser,
  findUserByName,
  issueTokenWithId,
  listUsers,
  revokeToken,
} from '../../db/users.ts';
import { isKnownDepartment } from '../../processes/departments.ts';
import type { App, AppDeps } from '../deps.ts';
import { requireRole } from '../plugins/app/auth.ts';
import { conflict, invalid, notFound } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Text } from '../schemas/text.ts';
import { Me, NewUserBody } from '../schemas/users.ts';

/** A user as admins list them. */
export const UserRecord = Type.Object({ ...Me.properties, disabled: Type.Boolean() });

export function userRoutes(app: App, deps: AppDeps): void {
  const admin = { preValidation: requireRole('admin') };

  app.get(
    '/api/users',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'All users',
        response: { 200: Type.Array(UserRecord), ...problems(401, 403) },
      },
    },
    async () => listUsers(deps.db),
  );

  app.post(
    '/api/users',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Create a user (department staff are bound to one department)',
        body: NewUserBody,
        response: { 201: Me, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { role, department } = request.body;
      if ((role === 'department') !== (department !== undefined)) {
        throw invalid(
          'invalid-user',
          'Invalid user',
          'Department staff need a department; other roles have none.',
          [
            {
              field: 'body.department',
              message: role === 'department' ? 'is required' : 'is only for department staff',
            },
          ],
        );
      }
      if (request.body.lead && role !== 'department') {
        throw invalid('invalid-user', 'Invalid user', 'Only department staff lead a department.', [
          { field: 'body.lead', message: 'is only for department staff' },
        ]);
      }
      if (department !== undefined && !isKnownDepartment(department)) {
        throw invalid('invalid-user', 'Invalid user', `Unknown department ${department}.`, [
          { field: 'body.department', message: 'is not a known department' },
        ]);
      }
      if (await findUserByName(deps.db, request.body.username)) {
        throw conflict(
          'username-taken',
          'Username taken',
          `There is already a user '${request.body.username}'.`,
        );
      }
      const { password, ...user } = request.body;
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      return reply
        .status(201)
        .send(await createUser(deps.db, { ...user, ...(passwordHash ? { passwordHash } : {}) }));
    },
  );

  app.post(
    '/api/users/:id/tokens',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Issue an API token (shown once)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({ label: Text({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ id: Type.String(), token: Type.String() }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const user = await findUser(deps.db, request.params.id);
      if (!user) throw notFound('user', `There is no user ${request.params.id}.`);
      return reply.status(201).send(await issueTokenWithId(deps.db, user.id, request.body.label));
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Revoke a token (refused at once by every API process)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      if (!(await revokeToken(deps.db, request.params.id))) {
        throw notFound('token', `There is no live token ${request.params.id}.`);
      }
      return reply.status(204).send(null);
    },
  );
}
