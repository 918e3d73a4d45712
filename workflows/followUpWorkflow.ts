// followUpWorkflow: one follow-up (整改) of a bad rating, on a 15-working-day clock on the case's calendar,
// counted, warned (yellow, then red) and reminded about by the same clock code as a step's promised clock
// (process/clock.ts nextAlarm and levelAt, process/step-clock.ts clockInstants): a durable timer per alarm.
// After red, a reminder after every further working day (its office hours) until the department answers.
//
// The response itself is written by the API (with the event in the case's trail); the Update that follows
// stops the clock at the instant the read model recorded. Should that Update never arrive, the next alarm
// or reminder finds the follow-up closed in the read model and stops the clock there.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { addWorkingHours, CalendarRangeError } from '../process/calendar.ts';
import {
  type ClockLevel,
  type FiredAlarms,
  levelAt,
  nextAlarm,
  type StartedSpan,
  workingDayMs,
} from '../process/clock.ts';
import type { TimeLimit } from '../process/definition.ts';
import { clockInstants, warningFor } from '../process/step-clock.ts';
import { notify } from './adapters.ts';
import {
  type FollowUpClock,
  type FollowUpInput,
  followUpClockQuery,
  followUpClosedUpdate,
  followUpOpenedUpdate,
} from './follow-up-messages.ts';
import { projectFollowUp } from './local-activities.ts';

/** 好差评: a bad rating must be followed up within 15 working days. */
export const FOLLOW_UP_LIMIT: TimeLimit = { days: 15 };

const iso = (ms: number) => new Date(ms).toISOString();

/** An answer that runs past the published years is unknown, never a guess. */
function unlessPastCalendar<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (error instanceof CalendarRangeError) return undefined;
    throw error;
  }
}

export async function followUpWorkflow(input: FollowUpInput): Promise<FollowUpClock> {
  const { calendar } = input;
  const span: StartedSpan = { startedAt: Date.now(), pauses: [] };
  const warning = warningFor('promised', input.warning);
  const instants = unlessPastCalendar(() => clockInstants(calendar, span, FOLLOW_UP_LIMIT, warning));
  const deadline = instants?.deadline;
  const fired: FiredAlarms = { yellow: false, red: false };
  const oneWorkingDayAfter = (t: number) =>
    unlessPastCalendar(() => addWorkingHours(calendar, t, workingDayMs(calendar) / 3_600_000));
  let finalLevel: ClockLevel | undefined;
  let stopped = false;

  const clock = (): FollowUpClock => ({
    openedAt: iso(span.startedAt),
    ...(deadline !== undefined ? { deadline: iso(deadline) } : {}),
    ...(instants?.yellowAt !== undefined ? { yellowAt: iso(instants.yellowAt) } : {}),
    state: span.stoppedAt !== undefined ? 'stopped' : fired.red ? 'red' : fired.yellow ? 'yellow' : 'green',
    ...(finalLevel ? { finalLevel } : {}),
    ...(span.stoppedAt !== undefined ? { closedAt: iso(span.stoppedAt) } : {}),
    ...(instants ? {} : { note: 'the deadline runs past the published holiday calendar' }),
  });
  const stop = (at: number) => {
    if (span.stoppedAt !== undefined) return;
    span.stoppedAt = at;
    finalLevel = levelAt(instants ?? {}, at);
  };

  const opened = projectFollowUp({
    followUpId: input.followUpId,
    change: {
      kind: 'opened',
      at: iso(span.startedAt),
      ...(deadline !== undefined ? { deadline: iso(deadline) } : {}),
      ...(instants?.yellowAt !== undefined ? { yellowAt: iso(instants.yellowAt) } : {}),
    },
  });
  setHandler(followUpClockQuery, clock);
  setHandler(followUpOpenedUpdate, async () => {
    await opened;
    return clock();
  });
  setHandler(
    followUpClosedUpdate,
    async ({ closedAt }) => {
      stop(Date.parse(closedAt));
      await condition(() => stopped);
      return clock();
    },
    {
      validator: ({ closedAt }) => {
        if (Number.isNaN(Date.parse(closedAt))) throw new TypeError('closedAt must be an ISO instant');
      },
    },
  );

  const seen = await opened;
  if (seen.closedAt) stop(Date.parse(seen.closedAt));
  let remindAt: number | undefined;
  let reminders = 0;
  while (span.stoppedAt === undefined) {
    const alarm = unlessPastCalendar(() =>
      nextAlarm(calendar, span, FOLLOW_UP_LIMIT, warning, Date.now(), fired),
    );
    const at = alarm?.at ?? remindAt;
    if (at === undefined) {
      await condition(() => span.stoppedAt !== undefined);
      break;
    }
    if (await condition(() => span.stoppedAt !== undefined, Math.max(1, at - Date.now()))) break;
    const now = Date.now();
    let projected: { closedAt: string | null };
    let kind: 'yellow' | 'red' | 'reminder';
    if (alarm) {
      kind = alarm.kind;
      fired[alarm.kind] = true;
      if (alarm.kind === 'red') {
        fired.yellow = true; // red supersedes a yellow that never fired
        remindAt = oneWorkingDayAfter(alarm.at);
      }
      projected = await projectFollowUp({
        followUpId: input.followUpId,
        change: { kind: 'warning', at: iso(now), level: alarm.kind, deadline: iso(deadline!) },
      });
    } else {
      kind = 'reminder';
      reminders += 1;
      projected = await projectFollowUp({
        followUpId: input.followUpId,
        change: { kind: 'reminder', at: iso(now), n: reminders },
      });
      remindAt = oneWorkingDayAfter(at);
    }
    if (projected.closedAt) {
      stop(Date.parse(projected.closedAt));
      break;
    }
    await notifyFollowUp(input, kind, deadline!, now, kind === 'reminder' ? `reminder/${reminders}` : kind);
  }
  await projectFollowUp({
    followUpId: input.followUpId,
    change: { kind: 'stopped', at: iso(span.stoppedAt!), finalLevel: finalLevel! },
  });
  stopped = true;
  await condition(allHandlersFinished);
  return clock();
}

async function notifyFollowUp(
  input: FollowUpInput,
  kind: 'yellow' | 'red' | 'reminder',
  deadline: number,
  at: number,
  key: string,
): Promise<void> {
  try {
    await notify(
      {
        kind: `follow_up.${kind}`,
        caseId: input.caseId,
        caseNo: input.caseNo,
        processId: input.processId,
        ...(input.department ? { department: input.department } : {}),
        deadline: iso(deadline),
        at: iso(at),
        recipients: {
          ...(input.department ? { departmentSupervisors: input.department } : {}),
          managers: true,
        },
      },
      `${input.caseId}/follow-up/${input.followUpId}/${key}`,
    );
  } catch {
    // Given up after the retries; the warning is in the read model and the trail regardless.
  }
}
