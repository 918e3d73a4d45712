// Department work: worklists, decisions, special stages.
import { Type } from 'typebox';
import { Anything, Datum, Id, Instant, OutputValue } from './common.ts';
import { Text } from './text.ts';

export const StageBody = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('site-inspection'),
      Type.Literal('expert-review'),
      Type.Literal('hearing'),
      Type.Literal('public-notice'),
    ]),
    reason: Text({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);

export const StageCloseBody = Type.Object(
  { opinion: Text({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

export const DecisionBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('approve'), Type.Literal('deny'), Type.Literal('supplement')]),
    outputs: Type.Optional(Type.Record(Type.String(), OutputValue)),
    opinion: Text({ minLength: 1, maxLength: 4000 }),
    reasons: Type.Optional(Type.Array(Text({ minLength: 1, maxLength: 1000 }), { maxItems: 50 })),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            item: Text({ minLength: 1, maxLength: 64 }),
            reason: Text({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          maxItems: 50,
          description: 'for a supplement request: everything missing or wrong, at once',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const DecisionResult = Type.Object({
  caseStatus: Type.String(),
  steps: Type.Record(Type.String(), Type.String()),
  stepId: Type.String(),
  stepStatus: Type.String(),
  dispatched: Type.Array(Type.String()),
  cancelled: Type.Array(Type.String()),
  seq: Type.Integer(),
});

export const TaskQuery = Type.Object({
  department: Type.Optional(Text({ minLength: 1, maxLength: 32 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const Task = Type.Object({
  caseId: Id,
  caseNo: Type.String(),
  processId: Type.String(),
  processVersion: Type.Integer(),
  stepId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  dispatchedAt: Type.Union([Instant, Type.Null()]),
  deadline: Type.Union([Instant, Type.Null()]),
  yellowAt: Type.Union([Instant, Type.Null()]),
  urgency: Type.String({ description: 'red | yellow | green | none, by the promised clock now' }),
  application: Anything,
  inputs: Type.Record(Type.String(), Datum),
  materials: Type.Array(Type.String()),
  decidedBy: Type.Union([Type.Literal('staff'), Type.Literal('system')], {
    description:
      "who decides the step now: 'system' while it is with the department's own system (a decision " +
      "here gets 409 held-by-system); 'staff' for worklist steps, and for a system's step with an incident",
  }),
});
