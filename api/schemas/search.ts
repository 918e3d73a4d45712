// Search (GET /api/cases) and the worklist's filters: shared pieces and the case list's query and rows.
import { Type } from 'typebox';
import { Id, Instant } from './common.ts';
import { Text } from './text.ts';

/** A China date (the whole day) or an exact instant. */
export const DateOrInstant = (description: string) =>
  Type.String({
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
    description: `${description}: a date (China time, the whole day counts) or an ISO instant`,
  });

export const Colour = Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red')]);

export const Cursor = Text({
  minLength: 1,
  maxLength: 600,
  description: 'the `Next-Cursor` header of the previous page (opaque)',
});

export const CaseStatus = Type.Union([
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('partially_completed'),
  Type.Literal('denied'),
  Type.Literal('withdrawn'),
  Type.Literal('terminated'),
]);

export const CaseListQuery = Type.Object(
  {
    processId: Type.Optional(Text({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(CaseStatus),
    department: Type.Optional(
      Text({
        minLength: 1,
        maxLength: 32,
        description: 'cases with a step (that applies) of this department; department staff: their own',
      }),
    ),
    clock: Type.Optional({
      ...Colour,
      description: "the colour of the case's own promise now (running cases)",
    }),
    stepClock: Type.Optional({
      ...Colour,
      description: 'cases with a step of this colour now, among steps their departments hold',
    }),
    overdue: Type.Optional(
      Type.Boolean({ description: 'only running cases with a red clock (the case or a step)' }),
    ),
    awaiting: Type.Optional(
      Type.Union([Type.Literal('supplement'), Type.Literal('decision')], {
        description:
          "running cases with a step waiting for the applicant's supplement (补正) or for its department's decision; with department: a step of that department",
      }),
    ),
    submittedFrom: Type.Optional(DateOrInstant('submitted on or after')),
    submittedTo: Type.Optional(DateOrInstant('submitted up to')),
    closedFrom: Type.Optional(DateOrInstant('closed on or after')),
    closedTo: Type.Optional(DateOrInstant('closed up to')),
    caseNo: Type.Optional(
      Text({
        minLength: 1,
        maxLength: 64,
        description: 'a whole case number or its beginning, e.g. YJS-20261128',
      }),
    ),
    applicant: Type.Optional(
      Text({
        minLength: 4,
        maxLength: 64,
        description:
          "an applicant's exact identifier (ID number, unified social credit code), matched by its keyed hash",
      }),
    ),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('submitted'), Type.Literal('deadline'), Type.Literal('closed'), Type.Literal('caseNo')],
        {
          description:
            'submitted (newest first), deadline (running cases, soonest first), closed (closed cases, latest first), caseNo',
        },
      ),
    ),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    cursor: Type.Optional(Cursor),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const StepSummary = Type.Object({
  stepId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  status: Type.String(),
  assignee: Type.Union([Id, Type.Null()]),
  deadline: Type.Union([Instant, Type.Null()]),
  urgency: Type.String({
    description: 'red | yellow | green | none while its department holds it; else none',
  }),
});

export const CaseSummary = Type.Object({
  id: Id,
  caseNo: Type.String(),
  processId: Type.String(),
  status: Type.String(),
  submittedAt: Instant,
  closedAt: Type.Union([Instant, Type.Null()]),
  promisedDeadline: Type.Union([Instant, Type.Null()]),
  clock: Type.Union([Colour, Type.Null()], {
    description: "the colour of the case's own promise now (null: closed, or no promise)",
  }),
  steps: Type.Array(StepSummary, { description: "department staff: their department's steps only" }),
});

/** Response headers of a paginated list (absent on the last page). */
export const PageHeaders = {
  'next-cursor': Type.String({ description: 'pass as ?cursor= for the next page (absent: last page)' }),
  link: Type.String({ description: 'RFC 8288 link to the next page (rel="next")' }),
};
