// Local activities write to and read from our own database: no server round trip of their own. They keep
// trying (a projection must never be dropped), backing off to 10 s.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

export const { projectCase, decideByRules, decideWaveByRules, projectFollowUp } =
  proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '100 ms', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
