// Process definitions of the catalog.
import { Type } from 'typebox';
import { Text } from './text.ts';

export const ProcessParams = Type.Object({ id: Text({ minLength: 1, maxLength: 64 }) });

export const ProcessSummary = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  departments: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  steps: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      department: Type.String(),
      dependsOn: Type.Array(Type.String()),
    }),
  ),
});
