// Clock alarms of a running case (预警 yellow, 超时 red): one Temporal timer, armed for the earliest
// alarm of the case and its steps, re-armed only when a transition moves that instant. Re-computing
// happens synchronously after each transition, so an ordinary decision costs no timer and no promise.
import { CancellationScope, sleep } from '@temporalio/workflow';
import type { CaseClocks, ClockAlarm } from '../process/case-clocks.ts';
import type { CaseMachine } from '../process/case-machine.ts';

export class Alarms {
  private armed: { alarm: ClockAlarm; scope: CancellationScope } | undefined;
  private readonly fired: Promise<void>[] = [];

  constructor(
    private readonly clocks: CaseClocks,
    private readonly machine: CaseMachine,
    /** Records the warning and notifies; called once per alarm. */
    private readonly ring: (alarm: ClockAlarm) => Promise<void>,
  ) {}

  /** After every transition: (re)arms the timer for the earliest alarm, if it moved. */
  rearm(): void {
    const m = this.machine;
    const alarm =
      m.outcome === undefined ? this.clocks.next(Date.now(), m.startedAt!, m.closedAt, m.steps) : undefined;
    const current = this.armed?.alarm;
    if (
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
          this.clocks.markFired(alarm);
          this.fired.push(this.ring(alarm));
        },
        () => undefined, // re-armed elsewhere, or the case closed
      );
  }

  /** When the case closes: no more alarms; waits for the notifications already under way. */
  async settle(): Promise<void> {
    this.armed?.scope.cancel();
    this.armed = undefined;
    await Promise.all(this.fired);
  }
}
