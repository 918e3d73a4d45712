// A follow-up's 15 working days on the time-skipping test server, started the day before National Day 2026
// on a case whose region adds a local day off: the deadline is counted on the case's own calendar, yellow
// and red fire once each at their instants (recorded, in the trail, notified), the follow-up shows as
// overdue, a reminder follows the next working day, and the late answer stops the clock red.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogNotifier } from '../activities/notifier.ts';
import { FollowUps, followUpView } from '../api/follow-ups.ts';
import { CalendarStore } from '../db/calendars.ts';
import { caseTimeline, findCase, insertCase } from '../db/cases.ts';
import type { Database } from '../db/client.ts';
import { findFollowUp, listFollowUps, respondToFollowUp } from '../db/follow-ups.ts';
import { rateCase } from '../db/tracking.ts';
import { createUser } from '../db/users.ts';
import { createCaseWorker } from '../services/case-worker.ts';
import { followUpWorkflowId } from '../workflows/follow-up-messages.ts';
import { openTestDatabase } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { timeSkippingServerAt } from './time-skipping.ts';

const CST = (local: string) => new Date(`${local}+08:00`).getTime();
const iso = (local: string) => new Date(CST(local)).toISOString();

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function skipTo(env: TestWorkflowEnvironment, local: string): Promise<void> {
  const now = Number(await env.currentTimeMs());
  if (CST(local) > now) await env.sleep(CST(local) - now);
}

/** A worker and a database on the time-skipping server, and one case of TAX in region CN-ZJ-HZ (Hangzhou). */
async function startRig() {
  const env = await timeSkippingServerAt(iso('2026-09-30T10:00:00'));
  const database: Database = await openTestDatabase();
  const notifications: string[] = [];
  const worker: Worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: 'follow-ups',
    db: database.db,
    payloadKeys: TEST_PAYLOAD_KEYS,
    notifier: createLogNotifier((line) => notifications.push(line)),
  });
  const running = worker.run();
  stop = async () => {
    worker.shutdown();
    await running;
    await env.teardown();
    await database.close();
  };
  const db = database.db;
  const calendars = new CalendarStore(db);
  await calendars.seed();
  // Hangzhou's own day off on Monday 12 October (a local calendar over the national one).
  await calendars.createRegion({
    region: 'CN-ZJ-HZ',
    extends: 'CN',
    years: { '2026': { offDays: ['2026-10-12'] } },
  });
  const clerk = await createUser(db, { username: 'clerk', displayName: 'Clerk', role: 'clerk' });
  const tax = await createUser(db, {
    username: 'tax',
    displayName: 'Tax',
    role: 'department',
    department: 'TAX',
  });
  const caseId = randomUUID();
  await insertCase(db, {
    id: caseId,
    caseNoPrefix: 'T',
    processId: 'company-startup',
    processVersion: 1,
    application: {},
    submittedBy: clerk.id,
    requestHash: 'test',
    calendarRegion: 'CN-ZJ-HZ',
    steps: [{ stepId: 'tax', department: 'TAX', title: 'tax' }],
  });
  const kase = (await findCase(db, caseId))!;
  const followUps = new FollowUps({
    db,
    client: env.client,
    taskQueue: 'follow-ups',
    calendars,
    calendarRegion: 'CN',
    warning: { fraction: 0.2 },
    updateWaitMs: 20_000,
  });

  return { env, db, notifications, followUps, kase, caseId, tax };
}

describe("a follow-up's clock", () => {
  it('counts 15 working days on the case calendar, warns yellow then red, reminds, and stops at the answer', async () => {
    const { env, db, notifications, followUps, kase, caseId, tax } = await startRig();
    const rated = await rateCase(
      db,
      caseId,
      { score: 1, comment: '张三的投诉', department: 'TAX' },
      new Date(Number(await env.currentTimeMs())),
    );
    await followUps.startClock(rated.followUp!, kase);
    // A retried start (the applicant's repeat) finds the running workflow: still one clock.
    await followUps.startClock(rated.followUp!, kase);
    const id = rated.followUp!.id;
    let row = (await findFollowUp(db, id))!;
    // From Wed 30 Sep: 1-7 Oct off, Sat 10 Oct a make-up working day, Mon 12 Oct off in Hangzhou: the 15th working
    // day is Wed 28 Oct (on the national calendar alone it would be Tue 27 Oct).
    expect(row.dueAt?.toISOString()).toBe(iso('2026-10-28T17:00:00'));
    expect(row.clockState).toBe('green');
    // Yellow with a fifth of the 127 working hours left (25.4 h): Fri 23 Oct 15:36, a little later for
    // every second the server's clock ran before the follow-up opened.
    expect(Math.abs(row.yellowAt!.getTime() - CST('2026-10-23T15:36:00'))).toBeLessThan(5000);

    const warnings = async () =>
      (await caseTimeline(db, caseId))
        .filter((e) => e.type === 'follow_up.warning')
        .map((e) => `${e.details.level}@${e.details.deadline}`);
    await skipTo(env, '2026-10-23T15:00:00');
    expect(await warnings()).toEqual([]);
    await skipTo(env, '2026-10-23T16:00:00');
    await expect.poll(warnings).toEqual([`yellow@${iso('2026-10-28T17:00:00')}`]);
    expect((await findFollowUp(db, id))!.clockState).toBe('yellow');

    await skipTo(env, '2026-10-28T16:59:00');
    expect(await listFollowUps(db, { overdueAt: new Date(CST('2026-10-28T16:59:00')), limit: 10 })).toEqual(
      [],
    );
    await skipTo(env, '2026-10-28T17:01:00');
    await expect.poll(warnings).toHaveLength(2);
    row = (await findFollowUp(db, id))!;
    expect(row.clockState).toBe('red');
    const overdue = await listFollowUps(db, { overdueAt: new Date(CST('2026-10-28T17:01:00')), limit: 10 });
    expect(overdue.map((f) => f.id)).toEqual([id]);
    expect(followUpView(overdue[0]!, CST('2026-10-28T17:01:00'))).toMatchObject({
      urgency: 'red',
      overdue: true,
      status: 'open',
    });
    // TAX's staff see it red in their list; another department's list has none.
    expect((await listFollowUps(db, { department: 'TAX', limit: 10 })).map((f) => f.id)).toEqual([id]);
    expect(await listFollowUps(db, { department: 'PSB', limit: 10 })).toEqual([]);

    // Unanswered: reminded one working day later, at the close of office on Thu 29 Oct.
    await skipTo(env, '2026-10-29T17:01:00');
    await expect.poll(async () => (await findFollowUp(db, id))!.reminders).toBe(1);

    const answeredAt = new Date(Number(await env.currentTimeMs()));
    const closed = await respondToFollowUp(db, id, { response: '已整改', by: tax.id, at: answeredAt });
    expect(closed).not.toBe('closed');
    await followUps.stopClock(closed as Exclude<typeof closed, 'closed' | undefined>, kase.caseNo);
    const result = await env.client.workflow.getHandle(followUpWorkflowId(id)).result();
    expect(result).toMatchObject({ state: 'stopped', finalLevel: 'red', closedAt: answeredAt.toISOString() });
    expect((await findFollowUp(db, id))!).toMatchObject({ clockState: 'stopped', finalLevel: 'red' });
    const closing = (await caseTimeline(db, caseId)).find((e) => e.type === 'follow_up.closed');
    expect(closing?.details).toMatchObject({ followUpId: id, late: true });

    // Each warning and the reminder notified once, to TAX's supervisors and the managers; no personal data.
    const sent = notifications.map((n) => JSON.parse(n));
    expect(sent.map((n) => n.kind)).toEqual(['follow_up.yellow', 'follow_up.red', 'follow_up.reminder']);
    expect(sent[0]).toMatchObject({ caseId, department: 'TAX', deadline: iso('2026-10-28T17:00:00') });
    expect(sent[0].recipients).toEqual({ departmentSupervisors: 'TAX', managers: true });
    expect(notifications.join()).not.toContain('张三');
  });
});

describe('a follow-up answered while its workflow could not be told', () => {
  it('stops at the answer the read model holds when its next alarm comes, without warning', async () => {
    const { env, db, notifications, followUps, kase, caseId, tax } = await startRig();
    const rated = await rateCase(
      db,
      caseId,
      { score: 2, comment: null, department: 'TAX' },
      new Date(Number(await env.currentTimeMs())),
    );
    await followUps.startClock(rated.followUp!, kase);
    const id = rated.followUp!.id;
    await skipTo(env, '2026-10-09T10:00:00');
    const answeredAt = new Date(Number(await env.currentTimeMs()));
    // The response is committed; the Update that would stop the clock is never sent.
    expect(await respondToFollowUp(db, id, { response: '已处理', by: tax.id, at: answeredAt })).not.toBe(
      'closed',
    );
    await skipTo(env, '2026-10-23T16:00:00');
    const result = await env.client.workflow.getHandle(followUpWorkflowId(id)).result();
    expect(result).toMatchObject({
      state: 'stopped',
      finalLevel: 'green',
      closedAt: answeredAt.toISOString(),
    });
    expect(await findFollowUp(db, id)).toMatchObject({ clockState: 'stopped', warnedYellowAt: null });
    const types = (await caseTimeline(db, caseId)).map((e) => e.type);
    expect(types).toEqual(['follow_up.opened', 'follow_up.closed']);
    expect(notifications).toEqual([]);
  });
});
