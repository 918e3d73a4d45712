// The application's database role on a Postgres server (issue 11): with DATABASE_OWNER_URL the owner
// migrates and the application's role (DATABASE_URL) gets what the engine needs and no more: it cannot
// change or remove a trail row, nor switch the append-only trigger off, while projections and the
// replacement of a dead workflow task's events still work. Needs TEST_DATABASE_URL (`npm run test:pg`).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjection } from '../activities/projection.ts';
import { verifyChain } from '../db/audit.ts';
import { caseTimeline, insertCase } from '../db/cases.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { createUser } from '../db/users.ts';
import type { CaseEvent } from '../process/events.ts';
import { asAdministrator, createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const admin = process.env.TEST_DATABASE_URL;

describe.runIf(admin)('the application role', () => {
  let throwaway: ThrowawayDatabase | undefined;
  const role = `app_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let database: Database;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(admin!);
    await asAdministrator(admin!, [`create role ${role} login password 'app-secret'`]);
    const owner = new URL(throwaway.url);
    const app = new URL(owner);
    app.username = role;
    app.password = 'app-secret';
    database = await openDatabase({ url: app.toString(), ownerUrl: owner.toString(), poolSize: 2 });
  });

  afterAll(async () => {
    await database?.close();
    await throwaway?.drop();
    await asAdministrator(admin!, [`drop role if exists ${role}`]);
  });

  it('writes the read model, cannot touch the trail, and still replaces a dead task’s events', async () => {
    const db = database.db;
    const clerk = (await createUser(db, { username: 'clerk', displayName: 'Clerk', role: 'clerk' })).id;
    const { row } = await insertCase(db, {
      id: randomUUID(),
      caseNoPrefix: 'R',
      processId: 'p',
      processVersion: 1,
      application: {},
      submittedBy: clerk,
      requestHash: 'h',
      steps: [{ stepId: 'a', department: 'X', title: 'A' }],
    });
    const at = '2026-11-28T02:00:00.000Z';
    const opening: CaseEvent[] = [
      { seq: 1, at, actor: 'clerk', type: 'case.started', steps: [] },
      { seq: 2, at, actor: 'system', type: 'step.dispatched', stepId: 'a', adapter: 'worklist', round: 1 },
    ];
    const approval = (when: string): CaseEvent[] => [
      { seq: 3, at: when, actor: 'u1', type: 'step.approved', stepId: 'a', opinion: 'ok', outputs: {} },
    ];
    const project = createProjection(db);
    const h1 = await project({ caseId: row.id, previousHash: '', events: opening, fence: 3 });
    await project({ caseId: row.id, previousHash: h1, events: approval(at), fence: 7 });

    const refused = (statement: ReturnType<typeof sql>) =>
      db.execute(statement).then(
        () => 'allowed',
        (e: { cause?: { message?: string }; message: string }) => e.cause?.message ?? e.message,
      );
    expect(await refused(sql`update case_events set opinion = 'x' where case_id = ${row.id}::uuid`)).toMatch(
      /permission denied/,
    );
    expect(await refused(sql`delete from case_events where case_id = ${row.id}::uuid`)).toMatch(
      /permission denied/,
    );
    expect(await refused(sql`alter table case_events disable trigger case_events_append_only`)).toMatch(
      /must be owner/,
    );
    expect(await refused(sql`truncate case_events`)).toMatch(/permission denied/);
    expect(await refused(sql`delete from access_log`)).toMatch(/permission denied/);
    // Only a tail written by an older task goes, and only through the owner's function.
    expect(await refused(sql`select supersede_case_events(${row.id}::uuid, 1, 5)`)).toMatch(
      /at least as new/,
    );

    await project({
      caseId: row.id,
      previousHash: h1,
      events: approval('2026-11-28T02:09:00.000Z'),
      fence: 12,
    });
    const timeline = await caseTimeline(db, row.id);
    expect(timeline.at(-1)?.at.toISOString()).toBe('2026-11-28T02:09:00.000Z');
    expect(await verifyChain(db, row.id)).toMatchObject({ intact: true });
  });
});
