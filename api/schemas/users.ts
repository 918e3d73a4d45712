// Users, their roles and tokens.
import { Type } from 'typebox';
import { Id } from './common.ts';
import { Text } from './text.ts';

export const Me = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]),
  lead: Type.Boolean({ description: "a department's lead: assigns its tasks to colleagues" }),
});

export const NewUserBody = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' }),
    displayName: Text({ minLength: 1, maxLength: 100 }),
    role: Type.Union([
      Type.Literal('clerk'),
      Type.Literal('department'),
      Type.Literal('manager'),
      Type.Literal('admin'),
    ]),
    department: Type.Optional(Text({ minLength: 1, maxLength: 32 })),
    lead: Type.Optional(Type.Boolean({ description: "department staff only: the department's lead" })),
    password: Type.Optional(
      Text({ minLength: 8, maxLength: 200, description: 'initial password for signing in at /login' }),
    ),
  },
  { additionalProperties: false },
);
