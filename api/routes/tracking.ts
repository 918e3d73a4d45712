// Applicants follow their case without an account (办件查询): the case number and the tracking code from
// the receipt. The code travels in a header or a POST body, never in a query string that lands in access
// logs. A wrong code and an unknown case number get the same 404 after the same work (no oracle), and
// repeated failures per case number and per client address wait (429). After delivery the applicant
// rates the service (好差评) once, and may change the rating within 7 days.

import { eq, or } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { accessesOf } from '../../db/access-log.ts';
import { type CaseRow, caseTimeline, findCase, listSteps } from '../../db/cases.ts';
import { findDelivery } from '../../db/deliveries.ts';
import { followUpOfCase } from '../../db/follow-ups.ts';
import { cases } from '../../db/schema.ts';
import { findRating, rateCase, trackingCodeMatches } from '../../db/tracking.ts';
import type { App, AppDeps } from '../deps.ts';
import { FailureLimiter } from '../failure-limiter.ts';
import { conflict, invalid, Problem } from '../problem.ts';
import { problems } from '../schemas/common.ts';
import { Text } from '../schemas/text.ts';
import { trackingView } from '../tracking-view.ts';

const Day = Type.Union([Type.String({ format: 'date' }), Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const Tracking = Type.Object({
  caseNo: Type.String(),
  processId: Type.String(),
  processName: Type.String(),
  status: Type.String(),
  submittedAt: Instant,
  closedAt: Type.Union([Instant, Type.Null()]),
  promisedDate: Day,
  summary: Type.String({ description: 'where the case stands, in plain Chinese' }),
  steps: Type.Array(
    Type.Object({
      stepId: Type.String(),
      name: Type.String(),
      departmentName: Type.String(),
      state: Type.Union([
        Type.Literal('waiting'),
        Type.Literal('in_progress'),
        Type.Literal('supplement_requested'),
        Type.Literal('done'),
        Type.Literal('denied'),
        Type.Literal('not_needed'),
        Type.Literal('withdrawn'),
      ]),
      text: Type.String(),
      expectedBy: Day,
      finishedAt: Type.Union([Instant, Type.Null()]),
    }),
  ),
  results: Type.Array(
    Type.Object({ name: Type.String(), department: Type.String(), readyForCollection: Type.Boolean() }),
  ),
  supplements: Type.Array(
    Type.Object({
      stepId: Type.String(),
      departmentName: Type.String(),
      requestedAt: Instant,
      items: Type.Array(Type.Object({ item: Type.String(), name: Type.String(), reason: Type.String() })),
    }),
  ),
  delivered: Type.Boolean(),
  accesses: Type.Array(
    Type.Object({
      departmentName: Type.String(),
      at: Instant,
      stepName: Type.Union([Type.String(), Type.Null()]),
      purpose: Type.Union([Type.String(), Type.Null()], {
        description: "the purpose of use the step declares (or the centre's role's)",
      }),
      legalBasis: Type.Union([Type.String(), Type.Null()], {
        description: 'the legal basis the step declares',
      }),
      categories: Type.Array(Type.String(), {
        description: 'categories of personal data read (身份信息, 联系方式, …), never the values',
      }),
      what: Type.String({
        description: 'case view | material download | worklist | sent to system | delivery | other',
      }),
    }),
  ),
  rating: Type.Union([
    Type.Null(),
    Type.Object({
      score: Type.Integer(),
      comment: Type.Union([Type.String(), Type.Null()]),
      at: Instant,
      department: Type.Union([Type.String(), Type.Null()]),
      departmentName: Type.String({ description: 'the department blamed, or the service centre' }),
    }),
  ]),
  departments: Type.Array(Type.Object({ code: Type.String(), name: Type.String() }), {
    description: "the case's departments, for a rating of 1 or 2 to name the one it is about",
  }),
  followUp: Type.Union([
    Type.Null(),
    Type.Object({
      state: Type.Union([Type.Literal('open'), Type.Literal('overdue'), Type.Literal('closed')]),
      departmentName: Type.String(),
      text: Type.String({ description: 'where the follow-up stands, in plain Chinese' }),
      promisedDate: Day,
      response: Type.Union([Type.String(), Type.Null()]),
      respondedAt: Type.Union([Instant, Type.Null()]),
    }),
  ]),
});

const CaseNo = Text({ minLength: 1, maxLength: 64 });
const Code = Text({ minLength: 1, maxLength: 64, description: 'the tracking code on the receipt' });

const RatingView = Type.Object({
  score: Type.Integer(),
  comment: Type.Union([Type.String(), Type.Null()]),
  at: Instant,
  department: Type.Union([Type.String(), Type.Null()]),
  followUp: Type.Boolean({ description: 'a follow-up (整改) is open or was opened for this case' }),
});

const REPLACE_WITHIN_MS = 7 * 86_400_000;

export interface TrackingRouteOptions {
  now?: () => Date;
  limiter?: FailureLimiter;
}

export function trackingRoutes(app: App, deps: AppDeps, options: TrackingRouteOptions = {}): void {
  const now = options.now ?? (() => new Date());
  // 100-bit codes cannot be guessed; the limit keeps anyone from trying case numbers or codes in bulk.
  const limiter = options.limiter ?? new FailureLimiter({ max: 10, windowMs: 15 * 60_000 });
  // Every tracking request counts per address (a flood), besides the failures counted by the limiter.
  const anonymous = {
    config: {
      anonymous: true,
      rateLimit: { max: deps.limits.tracking.max, timeWindow: deps.limits.tracking.windowMs },
    },
  };

  /** The case the number and code open, or the one 404 every failure gets. */
  async function open(request: FastifyRequest, reply: FastifyReply, caseNo: string, code: string) {
    // Case numbers are upper case; applicants may type them in lower case.
    const typed = caseNo.trim();
    const keys = [`case:${typed.toUpperCase()}`, `ip:${request.ip}`];
    limiter.check(keys, 'tracking', reply);
    reply.header('cache-control', 'no-store');
    // Only the hash first: an existing case costs the same small read as an unknown one.
    const [found] = await deps.db
      .select({ id: cases.id, hash: cases.trackingCodeHash })
      .from(cases)
      .where(or(eq(cases.caseNo, typed), eq(cases.caseNo, typed.toUpperCase())))
      .limit(1);
    // Hash and compare on both paths (an unknown case compares against a dummy hash).
    if (!trackingCodeMatches(code, found?.hash) || !found) {
      limiter.fail(keys);
      throw new Problem(
        404,
        'unknown-tracking',
        'Case not found',
        'No case matches this case number and tracking code. Check both on the receipt.',
      );
    }
    const row = await findCase(deps.db, found.id);
    if (!row) throw new Error('a case found by its number vanished');
    return row;
  }

  async function view(row: CaseRow) {
    const definition = (await deps.definitions.get(row.processId, row.processVersion))!;
    const [steps, events, delivery, accesses, rating, followUp] = await Promise.all([
      listSteps(deps.db, row.id),
      caseTimeline(deps.db, row.id),
      findDelivery(deps.db, row.id),
      accessesOf(deps.db, row.id),
      findRating(deps.db, row.id),
      followUpOfCase(deps.db, row.id),
    ]);
    return trackingView({ row, definition, steps, events, delivery, accesses, rating, followUp, now: now() });
  }

  app.get(
    '/api/track/:caseNo',
    {
      ...anonymous,
      schema: {
        tags: ['tracking'],
        summary: "An applicant's view of their case (case number + X-Tracking-Code header; no account)",
        security: [],
        params: Type.Object({ caseNo: CaseNo }),
        headers: Type.Object({ 'x-tracking-code': Code }),
        response: { 200: Tracking, ...problems(400, 404, 429) },
      },
    },
    async (request, reply) =>
      view(await open(request, reply, request.params.caseNo, request.headers['x-tracking-code'])),
  );

  app.post(
    '/api/track',
    {
      ...anonymous,
      schema: {
        tags: ['tracking'],
        summary: 'The same view for forms: case number and tracking code in the body',
        security: [],
        body: Type.Object({ caseNo: CaseNo, trackingCode: Code }, { additionalProperties: false }),
        response: { 200: Tracking, ...problems(400, 404, 429) },
      },
    },
    async (request, reply) =>
      view(await open(request, reply, request.body.caseNo, request.body.trackingCode)),
  );

  app.post(
    '/api/track/rating',
    {
      ...anonymous,
      schema: {
        tags: ['tracking'],
        summary: 'Rate the service after delivery (好差评): once per case, changeable within 7 days',
        security: [],
        body: Type.Object(
          {
            caseNo: CaseNo,
            trackingCode: Code,
            score: Type.Integer({ minimum: 1, maximum: 5 }),
            comment: Type.Optional(Text({ maxLength: 1000 })),
            department: Type.Optional(
              Text({
                minLength: 1,
                maxLength: 32,
                description:
                  'for a score of 1 or 2: the code of the department the complaint is about (one of the ' +
                  "case's departments, listed in the tracking view); absent: the service centre",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: RatingView, 200: RatingView, ...problems(400, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const row = await open(request, reply, request.body.caseNo, request.body.trackingCode);
      const delivery = await findDelivery(deps.db, row.id);
      if (!delivery?.handedOverAt) {
        throw conflict(
          'not-delivered',
          'Not delivered yet',
          'The service can be rated once the results have been handed over.',
        );
      }
      const at = now();
      const previous = await findRating(deps.db, row.id);
      if (previous && at.getTime() > previous.firstRatedAt.getTime() + REPLACE_WITHIN_MS) {
        throw conflict(
          'rating-closed',
          'Rating closed',
          'This case was rated more than 7 days ago; the rating can no longer be changed.',
        );
      }
      const department = request.body.department ?? null;
      if (department !== null) {
        const departments = new Set(
          (await listSteps(deps.db, row.id))
            .filter((s) => s.status !== 'not_applicable')
            .map((s) => s.department),
        );
        if (!departments.has(department)) {
          throw invalid(
            'unknown-department',
            'Not a department of this case',
            `No step of case ${row.caseNo} is handled by '${department}'.`,
            [
              {
                field: 'body.department',
                message: `'${department}' is not one of this case's departments (${[...departments].sort().join(', ')}); leave it out to mean the service centre`,
              },
            ],
          );
        }
      }
      const saved = await rateCase(
        deps.db,
        row.id,
        { score: request.body.score, comment: request.body.comment?.trim() || null, department },
        at,
      );
      // The clock of a follow-up not yet counting: just opened, or its start failed on an earlier attempt.
      if (saved.followUp && !saved.followUp.closedAt && saved.followUp.clockState === 'pending')
        await deps.followUps.startClock(saved.followUp, row);
      const rating = saved.rating;
      return reply.status(previous ? 200 : 201).send({
        score: rating.score,
        comment: rating.comment,
        at: rating.ratedAt.toISOString(),
        department: rating.department,
        followUp: saved.followUp !== undefined,
      });
    },
  );
}
