// A case's history for supervisors (GET /api/cases/:id/history).
import { Type } from 'typebox';
import { ClockView, EventView } from './cases.ts';
import { Id } from './common.ts';

export const HistoryEvent = Type.Object({
  ...EventView.properties,
  actorName: Type.Union([Type.String(), Type.Null()], { description: 'the person, when the actor is one' }),
  clocks: Type.Array(ClockView, { description: "the event's step's clocks at that moment" }),
  caseClock: Type.Union([ClockView, Type.Null()], { description: "the case's own promise at that moment" }),
});

export const CaseHistory = Type.Object({
  caseId: Id,
  caseNo: Type.String(),
  status: Type.String(),
  workflowUrl: Type.Union([Type.String(), Type.Null()], {
    description: "the case's workflow execution in the Temporal UI",
  }),
  events: Type.Array(HistoryEvent),
  supplements: Type.Array(Type.Integer(), { description: 'seq of the supplement requests and answers' }),
  warnings: Type.Array(Type.Integer(), { description: 'seq of the yellow and red warnings' }),
  accesses: Type.Array(
    Type.Object({
      userId: Type.String(),
      userName: Type.Union([Type.String(), Type.Null()]),
      role: Type.String(),
      department: Type.Union([Type.String(), Type.Null()]),
      purpose: Type.String(),
      fields: Type.Array(Type.String()),
      at: Type.String({ format: 'date-time' }),
    }),
  ),
});
