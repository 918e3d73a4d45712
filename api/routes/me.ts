import type { App } from '../deps.ts';
import { currentUser } from '../plugins/app/auth.ts';
import { problems } from '../schemas/common.ts';
import { Me } from '../schemas/users.ts';

export function meRoutes(app: App): void {
  app.get(
    '/api/me',
    {
      schema: {
        tags: ['users'],
        summary: 'Who the token belongs to',
        response: { 200: Me, ...problems(401) },
      },
    },
    async (request) => currentUser(request),
  );
}
