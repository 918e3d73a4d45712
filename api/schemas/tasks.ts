// Department work: worklists, decisions, special stages.
import { Type } from 'typebox';
import { Anything, Datum, Id, Instant, OutputValue } from './common.ts';
import { DateOrInstant } from './search.ts';
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

export const Urgency = Type.Union([
  Type.Literal('red'),
  Type.Literal('yellow'),
  Type.Literal('green'),
  Type.Literal('none'),
]);

export const TaskQuery = Type.Object(
  {
    department: Type.Optional(Text({ minLength: 1, maxLength: 32 })),
    processId: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    urgency: Type.Optional({ ...Urgency, description: 'only tasks of this colour now' }),
    dueBefore: Type.Optional(DateOrInstant('due before')),
    assigned: Type.Optional(
      Type.Union([Type.Literal('mine'), Type.Literal('unassigned')], {
        description: 'mine: tasks you hold; unassigned: tasks nobody has claimed',
      }),
    ),
    cursor: Type.Optional(Text({ minLength: 1, maxLength: 600, description: 'the Next-Cursor header' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);

export const TaskCountsQuery = Type.Object(
  { department: Type.Optional(Text({ minLength: 1, maxLength: 32 })) },
  { additionalProperties: false },
);

export const TaskCounts = Type.Object({
  total: Type.Integer(),
  red: Type.Integer(),
  yellow: Type.Integer(),
  green: Type.Integer(),
  none: Type.Integer({ description: 'without a deadline' }),
  mine: Type.Integer({ description: 'held by you' }),
  unassigned: Type.Integer(),
});

export const AssignBody = Type.Object(
  { assignee: Type.String({ format: 'uuid', description: "a colleague's user id (same department)" }) },
  { additionalProperties: false },
);

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
  assignee: Type.Union([Id, Type.Null()], { description: 'who holds the task (承办人), if anyone' }),
  assigneeName: Type.Union([Type.String(), Type.Null()]),
  application: Anything,
  inputs: Type.Record(Type.String(), Datum),
  materials: Type.Array(Type.String()),
  decidedBy: Type.Union([Type.Literal('staff'), Type.Literal('system')], {
    description:
      "who decides the step now: 'system' while it is with the department's own system (a decision " +
      "here gets 409 held-by-system); 'staff' for worklist steps, and for a system's step with an incident",
  }),
});
