// The baseline the bench compares against: a bare Temporal workflow of the same shape as company start-up
// (one step, then five in parallel), one Update per step, each step's dispatch a local activity, no API
// and no database. What remains is the floor Temporal itself sets on this machine.
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { bareActivities } from './bare-activities.ts';

const { dispatch } = proxyLocalActivities<typeof bareActivities>({ startToCloseTimeout: '10 seconds' });
const { deliver } = proxyActivities<typeof bareActivities>({ startToCloseTimeout: '10 seconds' });

export const bareOpen = defineUpdate<string[], []>('open');
export const bareDecide = defineUpdate<string[], [string]>('decide');

const SHAPE: Record<string, string[]> = {
  registration: [],
  seal: ['registration'],
  tax: ['registration'],
  'social-insurance': ['registration'],
  'housing-fund': ['registration'],
  bank: ['registration'],
};

/**
 * `ownSystems`: steps delivered to a department's own system, as the engine does, by an ordinary activity
 * that runs in the background (here one that does nothing), and decided by an Update as the others are (the
 * engine's callback). What that costs Temporal is the floor of the engine's 'http' scenario.
 */
export async function bareCaseWorkflow(ownSystems: string[] = []): Promise<void> {
  const done = new Set<string>();
  const released = new Set<string>();
  const deliveries: Promise<unknown>[] = [];
  const release = async () => {
    const ready = Object.keys(SHAPE).filter((s) => !released.has(s) && SHAPE[s]!.every((d) => done.has(d)));
    for (const s of ready) {
      released.add(s);
      if (ownSystems.includes(s)) deliveries.push(deliver(s));
    }
    await dispatch(ready); // one local activity per Update (the engine writes at most one batch per decision)
    return ready;
  };
  const opened = release();
  setHandler(bareOpen, () => opened);
  setHandler(bareDecide, async (step: string) => {
    done.add(step);
    return release();
  });
  await condition(() => done.size === Object.keys(SHAPE).length && allHandlersFinished());
  await Promise.all(deliveries);
}
