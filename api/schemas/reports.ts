// SLA reports (电子监察): the query and the answers.
import { Type } from 'typebox';
import { Text } from './text.ts';

export const SlaQuery = Type.Object(
  {
    from: Type.String({ format: 'date', description: 'first day (China time)' }),
    to: Type.String({ format: 'date', description: 'last day (China time), included' }),
    processId: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    department: Type.Optional(Text({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Type.TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const CaseFigures = Type.Object({
  opened: Type.Integer({ description: 'cases submitted in the range' }),
  closed: Type.Object({
    completed: Type.Integer(),
    partiallyCompleted: Type.Integer(),
    denied: Type.Integer(),
    withdrawn: Type.Integer(),
    terminated: Type.Integer(),
    total: Type.Integer(),
  }),
  promised: Type.Integer({ description: 'cases closed in the range that had a promise (承诺时限)' }),
  promiseKept: Type.Integer({ description: 'of those, closed by their promised deadline' }),
  promiseKeptPercent: Nullable(Type.Number()),
});

const Hours = Type.Object({
  p50: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
});

export const StepFigures = Type.Object({
  processId: Type.String(),
  stepId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  ended: Type.Integer({ description: 'steps approved, denied or terminated in the range' }),
  approved: Type.Integer(),
  denied: Type.Integer(),
  terminated: Type.Integer(),
  workingHours: Type.Object({
    p50: Nullable(
      Type.Number({
        description:
          'working hours, pauses excluded; the start of its bucket: a half hour below 8 h, 2 h below 40 h, then 8 h',
      }),
    ),
    p90: Nullable(Type.Number()),
    mean: Nullable(Type.Number()),
  }),
  supplemented: Type.Integer({ description: 'steps that asked for a supplement (补正)' }),
  supplementRatePercent: Nullable(Type.Number()),
  supplementWaitHours: Type.Object({
    total: Type.Number({ description: 'working hours spent waiting for supplements' }),
    mean: Nullable(Type.Number({ description: 'per supplemented step' })),
  }),
  endedLate: Type.Integer({ description: 'ended after their promised deadline' }),
  overdueNow: Type.Integer({ description: 'held by the department past the promise now' }),
});

export const Bottleneck = Type.Object({
  processId: Type.String(),
  stepId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  heldPastPromise: Type.Integer({ description: 'endedLate + overdueNow' }),
  endedLate: Type.Integer(),
  overdueNow: Type.Integer(),
});

export const SlaReport = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  processId: Nullable(Type.String()),
  department: Nullable(Type.String()),
  cases: CaseFigures,
  steps: Type.Array(StepFigures),
  bottlenecks: Type.Array(Bottleneck, { description: 'steps that most often held a case past its promise' }),
  daily: Type.Array(
    Type.Object({
      day: Type.String({ format: 'date' }),
      opened: Type.Integer(),
      closed: Type.Integer(),
      promised: Type.Integer(),
      promiseKept: Type.Integer(),
    }),
  ),
  ratings: Type.Object(
    {
      count: Type.Integer({ description: 'cases rated (or re-rated) in the range' }),
      averageScore: Nullable(Type.Number()),
      byScore: Type.Array(Type.Integer(), { description: 'ratings of 1, 2, 3, 4 and 5' }),
      followUps: Type.Object({
        opened: Type.Integer(),
        closed: Type.Integer({ description: 'answered in the range' }),
        closedLate: Type.Integer({ description: 'answered in the range after their 15 working days' }),
        overdueNow: Type.Integer({ description: 'open now past their deadline' }),
      }),
    },
    {
      description:
        '好差评: with `department`, the ratings of cases it had a step in and the follow-ups that blamed it',
    },
  ),
});

export const DepartmentFigures = Type.Object({
  department: Type.String(),
  cases: CaseFigures,
  stepsEnded: Type.Integer(),
  workingHours: Hours,
  supplemented: Type.Integer(),
  endedLate: Type.Integer(),
  overdueNow: Type.Integer(),
});

export const DepartmentReport = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  processId: Nullable(Type.String()),
  departments: Type.Array(DepartmentFigures),
});
