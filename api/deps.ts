// What the routes need, built once by buildApp.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Limits } from '../config.ts';
import type { CalendarStore } from '../db/calendars.ts';
import type { Db } from '../db/client.ts';
import type { DefinitionStore } from '../db/definitions.ts';
import type { Integrations } from '../departments/integrations.ts';
import type { ClockWarning } from '../process/clock.ts';
import type { MaterialStore } from '../storage/material-store.ts';
import type { CaseActions } from './case-actions.ts';
import type { FollowUps } from './follow-ups.ts';
import type { CaseIntake } from './intake.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppDeps {
  db: Db;
  definitions: DefinitionStore;
  client: Client;
  intake: CaseIntake;
  actions: CaseActions;
  /** Follow-ups of bad ratings: their workflows (clocks). */
  followUps: FollowUps;
  materials: MaterialStore;
  calendars: CalendarStore;
  calendarRegion: string;
  warning: ClockWarning;
  materialMaxBytes: number;
  /** Browser origins of the Temporal UI allowed to call the codec endpoint (CORS). */
  temporalUiOrigins: string[];
  /** Browser origins allowed to call /api (CORS); empty: CORS off. */
  corsOrigins: string[];
  /** Rate limits per client address. */
  limits: Limits;
  /** Departments reached over HTTP: their steps are decided by their own systems (see CaseMachine.checkDecider). */
  integrations: Integrations;
  /** Key of the applicant identifiers' hashes (intake writes them, search looks them up). */
  applicantHashKey: string;
  /** The case's workflow in the Temporal web UI, when the UI is known. */
  workflowUrl?: (caseId: string) => string;
  /** Readiness beyond the database: e.g. the Temporal connection and the worker. */
  ready: () => Promise<boolean>;
}
