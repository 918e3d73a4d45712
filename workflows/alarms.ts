// Clock alarms of a running case (预警 yellow, 超时 red): one Temporal timer, armed for the earliest
// alarm of the case and its steps. Re-computing happens synchronously after each transition, so an
// ordinary decision costs no promise, and from the patch 'alarm-timer-lazy' on no timer command either:
// a timer that fires no later than the earliest alarm is kept (it decides at its firing which alarms are
// due, then arms for the next), and the case closes without cancelling it. A company start-up case's
// five parallel steps then cost one timer instead of five started and cancelled (about 10 fewer events
// in each case's history). Histories recorded before the patch replay with the eager re-arming.
import { CancellationScope, patched, sleep } from '@temporalio/workflow';
import type { CaseClocks, ClockAlarm } from '../process/case-clocks.ts';
import type { CaseMachine } from '../process/case-machine.ts';

export class Alarms {
  private armed: { alarm: ClockAlarm; scope: CancellationScope } | undefined;
  private readonly fired: Promise<void>[] = [];
  private readonly lazy = patched('alarm-timer-lazy');

  constructor(
    private readonly clocks: CaseClocks,
    private readonly machine: CaseMachine,
    /** Records the warning and notifies; called once per alarm. */
    private readonly ring: (alarm: ClockAlarm) => Promise<void>,
  ) {}

  /** The earliest alarm not yet fired, while the case runs. */
  private earliest(now: number): ClockAlarm | undefined {
    const m = this.machine;
    return m.outcome === undefined ? this.clocks.next(now, m.startedAt!, m.closedAt, m.steps) : undefined;
  }

  /** After every transition: (re)arms the timer for the earliest alarm, if it moved. */
  rearm(): void {
    const alarm = this.earliest(Date.now());
    const current = this.armed?.alarm;
    if (this.lazy) {
      // No alarm left, or one no earlier than the armed timer: that timer looks again when it fires.
      if (!alarm || (current && current.at <= alarm.at)) return;
    } else if (
      alarm &&
      current &&
      alarm.at === current.at &&
      alarm.kind === current.kind &&
      alarm.stepId === current.stepId &&
      alarm.clock === current.clock
    ) {
      return;
    }
    this.armed?.scope.cancel();
    this.armed = undefined;
    if (!alarm) return;
    const scope = new CancellationScope();
    this.armed = { alarm, scope };
    scope
      .run(() => sleep(Math.max(1, alarm.at - Date.now())))
      .then(
        () => {
          if (this.armed?.scope !== scope) return;
          this.armed = undefined;
          if (this.lazy) this.fire();
          else this.fireOne(alarm);
        },
        () => undefined, // re-armed elsewhere, or the case closed
      );
  }

  private fireOne(alarm: ClockAlarm): void {
    this.clocks.markFired(alarm);
    this.fired.push(this.ring(alarm));
  }

  /** The lazy timer fired: rings every alarm due by now (none, if it was armed for one since moved), re-arms. */
  private fire(): void {
    const now = Date.now();
    for (let due = this.earliest(now); due && due.at <= now; due = this.earliest(now)) this.fireOne(due);
    this.rearm();
  }

  /** When the case closes: no more alarms; waits for the notifications already under way. */
  async settle(): Promise<void> {
    // A lazy timer is left to the closing: a closed workflow's timers never fire, and cancelling costs a command.
    if (!this.lazy) this.armed?.scope.cancel();
    this.armed = undefined;
    await Promise.all(this.fired);
  }
}
