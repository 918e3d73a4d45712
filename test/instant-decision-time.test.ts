// An instant decision (秒批) is recorded at the instant its step was released, the same on the first run
// and on replay. It used to take the workflow time after the rules' local activity, which a replay does
// not see again: the chaos run found the read model's data (written on the first run) and the replayed
// workflow's data (after a worker restart) holding different times for the same outputs.
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { caseTimeline } from '../db/cases.ts';
import { cases } from '../db/schema.ts';
import { stateQuery } from '../workflows/messages.ts';
import { definition, step } from './fixtures/definitions.ts';
import { engineWithClerk, startCase, untilAwaiting } from './helpers.ts';

const t = engineWithClerk();

const instant = definition([
  step('check', {
    adapter: 'auto',
    outputs: [{ name: 'licenceNo', title: 'Licence number', type: 'string' }],
    rules: [
      {
        id: 'records-agree',
        description: 'The shared records agree',
        when: { '==': [1, 1] },
        outcome: 'approve',
        outputs: { licenceNo: 'L-1' as never },
      },
    ],
  }),
  step('review', ['check'], { inputs: ['licenceNo'] }),
]);

it('records an instant decision at its release, and a replay shows the same instant', async () => {
  const handle = await startCase(
    { ...t.engine, db: t.engine.database.db, client: t.engine.temporal.client, clerk: t.clerk },
    instant,
  );
  await untilAwaiting(handle, 'review');
  const trail = await caseTimeline(t.engine.database.db, handle.workflowId);
  const started = trail.find((e) => e.type === 'case.started')!.at;
  const approved = trail.find((e) => e.type === 'step.approved')!.at;
  expect(approved).toEqual(started);

  // A fresh worker has no cached workflow: the query replays the history.
  await t.engine.restartWorker();
  const replayed = (await handle.query(stateQuery)).data.licenceNo!;
  const [row] = await t.engine.database.db.select().from(cases).where(eq(cases.id, handle.workflowId));
  expect(Date.parse(replayed.at)).toBe(Date.parse(row!.data.licenceNo!.at));
  expect(Date.parse(replayed.at)).toBe(new Date(approved).getTime());
});
