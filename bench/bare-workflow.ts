// The baseline the bench compares against: a bare Temporal workflow of the same shape as company start-up
// (one step, then five in parallel), one Update per step, each step's dispatch a local activity, no API
// and no database. What remains is the floor Temporal itself sets on this machine.
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { bareActivities } from './bare-activities.ts';

const { dispatch } = proxyLocalActivities<typeof bareActivities>({ startToCloseTimeout: '10 seconds' });

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

export async function bareCaseWorkflow(): Promise<void> {
  const done = new Set<string>();
  const released = new Set<string>();
  const release = async () => {
    const ready = Object.keys(SHAPE).filter((s) => !released.has(s) && SHAPE[s]!.every((d) => done.has(d)));
    for (const s of ready) released.add(s);
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
}
