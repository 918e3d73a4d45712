// Follow-ups (整改) of bad ratings as staff see them.
import { Type } from 'typebox';
import { Text } from './text.ts';

const Instant = Type.String({ format: 'date-time' });
const Maybe = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const FollowUp = Type.Object({
  id: Type.String({ format: 'uuid' }),
  caseId: Type.String({ format: 'uuid' }),
  caseNo: Type.String(),
  processId: Type.String(),
  department: Maybe(Type.String({ description: 'the blamed department; null: the service centre' })),
  score: Type.Integer({ description: 'the rating that opened it (1 or 2)' }),
  comment: Maybe(Type.String({ description: "the applicant's comment with the rating" })),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  urgency: Type.Union(
    [Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Literal('none')],
    { description: "the clock's colour now (none: not counted yet, or answered)" },
  ),
  overdue: Type.Boolean(),
  clockState: Type.String({
    description: 'as the workflow recorded it: pending, green, yellow, red, stopped',
  }),
  finalLevel: Maybe(Type.String({ description: 'the colour at the response' })),
  openedAt: Instant,
  dueAt: Maybe(Instant),
  yellowAt: Maybe(Instant),
  warnedYellowAt: Maybe(Instant),
  warnedRedAt: Maybe(Instant),
  reminders: Type.Integer(),
  closedAt: Maybe(Instant),
  response: Maybe(Type.String()),
  respondedBy: Maybe(Type.String()),
});

export const FollowUpQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'open' }),
  ),
  overdue: Type.Optional(Type.Boolean({ description: 'only open follow-ups past their deadline' })),
  department: Type.Optional(
    Text({ minLength: 1, maxLength: 32, description: "a department's code, or 'centre' (managers)" }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const FollowUpParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const FollowUpResponseBody = Type.Object(
  { response: Text({ minLength: 1, maxLength: 2000, description: 'the answer the applicant will read' }) },
  { additionalProperties: false },
);
