// Cases: the combined application, the clerk's changes to a running case, the case record and lists.

import { Type } from 'typebox';
import { Anything, Datum, Id, Instant, MaterialRefs, OutputValue } from './common.ts';
import { FollowUp } from './follow-ups.ts';
import { Text } from './text.ts';

export const SubmitCaseBody = Type.Object(
  {
    processId: Text({ minLength: 1, maxLength: 64 }),
    application: Anything,
    materials: Type.Optional(MaterialRefs),
    deficiencies: Type.Optional(
      Type.Array(
        Type.Object(
          {
            stepId: Text({ minLength: 1, maxLength: 64 }),
            materials: Type.Array(Text({ minLength: 1, maxLength: 64 }), {
              minItems: 1,
              maxItems: 20,
            }),
            due: Text({
              format: 'date',
              description: 'last day (China time) the materials may arrive',
            }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: '容缺受理: non-core materials promised by a date' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SupplementBody = Type.Object(
  {
    stepId: Text({ minLength: 1, maxLength: 64 }),
    note: Text({ minLength: 1, maxLength: 4000 }),
    materials: Type.Optional(MaterialRefs),
  },
  { additionalProperties: false },
);

export const AttachBody = Type.Object({ materials: MaterialRefs }, { additionalProperties: false });

export const WithdrawBody = Type.Object(
  { reason: Text({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

export const DeliveryBody = Type.Object(
  {
    method: Type.Union([Type.Literal('window'), Type.Literal('post'), Type.Literal('electronic')]),
    note: Type.Optional(Text({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const CaseCreated = Type.Object({
  id: Id,
  caseNo: Type.String(),
  status: Type.String(),
  trackingCode: Type.Union([Type.String(), Type.Null()], {
    description: "the applicant's tracking code, shown once (null on an idempotent replay)",
  }),
  steps: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()], {
    description:
      'the steps intake moved, by id, with their status: awaiting_decision (sent to the department), or ' +
      'approved or denied at once by their rules (秒批); null on a replay after the case has ended',
  }),
});

export const ClockView = Type.Object({
  clock: Type.String({ description: 'promised (承诺时限) or statutory (法定时限)' }),
  deadline: Type.Union([Instant, Type.Null()]),
  usedHours: Type.Number({ description: 'working time used, pauses excluded' }),
  state: Type.String({ description: 'green | yellow | red | paused | stopped | unknown' }),
  finalState: Type.Union([Type.String(), Type.Null()]),
  note: Type.Optional(Type.String()),
});

export const StepView = Type.Object({
  stepId: Type.String(),
  title: Type.String(),
  department: Type.String(),
  status: Type.String(),
  round: Type.Integer(),
  supplementItems: Type.Union([
    Type.Array(Type.Object({ item: Type.String(), reason: Type.String() })),
    Type.Null(),
  ]),
  specialStage: Type.Union([Type.Object({ kind: Type.String(), since: Type.String() }), Type.Null()]),
  owed: Type.Array(Type.String()),
  owedBy: Type.Union([Instant, Type.Null()]),
  incident: Type.Union([Type.String(), Type.Null()]),
  clocks: Type.Array(ClockView),
  outputs: Type.Union([Type.Record(Type.String(), OutputValue), Type.Null()]),
  opinion: Type.Union([Type.String(), Type.Null()]),
  reasons: Type.Array(Type.String()),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  dispatchedAt: Type.Union([Instant, Type.Null()]),
  decidedAt: Type.Union([Instant, Type.Null()]),
});

export const EventView = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  stepId: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()], {
    description: "null: a person acted on another department's step (withheld from department staff)",
  }),
  at: Instant,
  opinion: Type.Union([Type.String(), Type.Null()]),
  details: Anything,
});

export const CaseDetail = Type.Object({
  id: Id,
  caseNo: Type.String(),
  processId: Type.String(),
  processVersion: Type.Integer(),
  processTitle: Type.String(),
  status: Type.String(),
  submittedAt: Instant,
  updatedAt: Instant,
  closedAt: Type.Union([Instant, Type.Null()]),
  clock: Type.Union([ClockView, Type.Null()]),
  application: Anything,
  data: Type.Record(Type.String(), Datum),
  steps: Type.Array(StepView),
  timeline: Type.Array(EventView),
  followUp: Type.Union([FollowUp, Type.Null()], {
    description: "a bad rating's follow-up (整改): for the centre's roles and the blamed department",
  }),
});

export { CaseListQuery, CaseSummary } from './search.ts';

export const Delivery = Type.Object({
  caseId: Type.String(),
  caseNo: Type.String(),
  outcome: Type.String(),
  results: Type.Record(
    Type.String(),
    Type.Object({ value: Type.Unknown(), stepId: Type.String(), at: Type.String() }),
  ),
  readyAt: Type.String({ format: 'date-time' }),
  method: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  handedOverBy: Type.Union([Type.String(), Type.Null()]),
  handedOverAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
