// Request and response schemas (TypeBox). Fastify validates requests with them (listing every failing
// field), serialises responses with them, and publishes them as OpenAPI at /docs.
import { Type } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const problemRef = Type.Ref('Problem');
export const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, problemRef]));

const Id = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const OutputValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Anything = Type.Record(Type.String(), Type.Unknown());

export const CaseParams = Type.Object({ id: Id });
export const StepParams = Type.Object({ id: Id, stepId: Type.String({ minLength: 1, maxLength: 64 }) });
export const ProcessParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const MaterialRefs = Type.Record(Type.String({ maxLength: 64 }), Type.String({ format: 'uuid' }), {
  description: 'material id -> upload id (from POST /api/materials)',
});

export const SubmitCaseBody = Type.Object(
  {
    processId: Type.String({ minLength: 1, maxLength: 64 }),
    application: Anything,
    materials: Type.Optional(MaterialRefs),
    deficiencies: Type.Optional(
      Type.Array(
        Type.Object(
          {
            stepId: Type.String({ minLength: 1, maxLength: 64 }),
            materials: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
              minItems: 1,
              maxItems: 20,
            }),
            due: Type.String({
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
    stepId: Type.String({ minLength: 1, maxLength: 64 }),
    note: Type.String({ minLength: 1, maxLength: 4000 }),
    materials: Type.Optional(MaterialRefs),
  },
  { additionalProperties: false },
);

export const AttachBody = Type.Object({ materials: MaterialRefs }, { additionalProperties: false });

export const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

export const StageBody = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('site-inspection'),
      Type.Literal('expert-review'),
      Type.Literal('hearing'),
      Type.Literal('public-notice'),
    ]),
    reason: Type.String({ minLength: 1, maxLength: 4000 }),
  },
  { additionalProperties: false },
);

export const StageCloseBody = Type.Object(
  { opinion: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

export const DeliveryBody = Type.Object(
  {
    method: Type.Union([Type.Literal('window'), Type.Literal('post'), Type.Literal('electronic')]),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const CaseChange = Type.Object({
  caseStatus: Type.String(),
  steps: Type.Record(Type.String(), Type.String()),
  seq: Type.Integer(),
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' }),
  ),
});

export const CaseCreated = Type.Object({
  id: Id,
  caseNo: Type.String(),
  status: Type.String(),
  trackingCode: Type.Union([Type.String(), Type.Null()], {
    description: "the applicant's tracking code, shown once (null on an idempotent replay)",
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
  actor: Type.String(),
  at: Instant,
  opinion: Type.Union([Type.String(), Type.Null()]),
  details: Anything,
});

const Datum = Type.Object({ value: OutputValue, stepId: Type.String(), at: Instant });

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
});

export const CaseSummary = Type.Object({
  id: Id,
  caseNo: Type.String(),
  processId: Type.String(),
  status: Type.String(),
  submittedAt: Instant,
  closedAt: Type.Union([Instant, Type.Null()]),
});

export const CaseListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([
      Type.Literal('running'),
      Type.Literal('completed'),
      Type.Literal('partially_completed'),
      Type.Literal('denied'),
      Type.Literal('withdrawn'),
      Type.Literal('terminated'),
    ]),
  ),
  overdue: Type.Optional(
    Type.Boolean({ description: 'only running cases with a red clock (the case or a step)' }),
  ),
  caseNo: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'a case number, or the beginning of one' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const DecisionBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('approve'), Type.Literal('deny'), Type.Literal('supplement')]),
    outputs: Type.Optional(Type.Record(Type.String(), OutputValue)),
    opinion: Type.String({ minLength: 1, maxLength: 4000 }),
    reasons: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 50 })),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            item: Type.String({ minLength: 1, maxLength: 64 }),
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
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
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
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
});

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

export const Me = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]),
});
