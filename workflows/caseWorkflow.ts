// caseWorkflow: one case (办件) of one process definition, interpreted from the snapshot it was started
// with. The pure CaseMachine decides every transition; this file wires Temporal to it: Updates (each with
// a validator that refuses bad input without touching history), timers, and the activities that carry
// out side effects.
//
// Every transition becomes a numbered event written to the read model by one local activity per batch
// (no extra server round trip per step). Each Update answers only after its batch, and the instant (秒批)
// decisions it led to, are written, so the API's caller reads its own write.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import { CaseClocks } from '../process/case-clocks.ts';
import { CaseMachine, type Effects, type MachineProblem } from '../process/case-machine.ts';
import { HttpDispatches, notifyWarning, runAdapters } from './adapters.ts';
import { Alarms } from './alarms.ts';
import { calendarRefusal } from './calendar-refusal.ts';
import {
  assignUpdate,
  type CalendarResult,
  type CaseChange,
  type CaseInput,
  type CaseState,
  calendarUpdate,
  chainHeadsQuery,
  closeStageUpdate,
  type DecideArgs,
  type DecideResult,
  decideUpdate,
  type IntakeResult,
  intakeUpdate,
  materialsUpdate,
  openStageUpdate,
  redispatchUpdate,
  stateQuery,
  supplementUpdate,
  withdrawUpdate,
} from './messages.ts';
import { Projector } from './projector.ts';

export async function caseWorkflow(input: CaseInput): Promise<CaseState> {
  const clocks = input.calendar
    ? new CaseClocks(input.definition, input.calendar, input.warning ?? {})
    : undefined;
  const machine = new CaseMachine(input.definition, {
    notApplicable: input.notApplicable ?? [],
    adapters: input.adapters ?? {},
    deficiencies: input.deficiencies ?? [],
    ...(clocks
      ? {
          deadlines: (stepId, clock, now) => clocks.deadlines(stepId, clock, now),
          caseDeadline: (now) => clocks.caseDeadline(now),
          caseYellowAt: (now) => clocks.caseYellowAt(now),
          timing: (clock, promised) => clocks.timing(clock, promised),
        }
      : {}),
  });
  const projector = new Projector(input.caseId);
  // The instant of a transition a message or a timer starts is the workflow time once the batches queued
  // before it are written. A projection that outlives its workflow task (core heartbeats the task) ends
  // in a later task, and an Update or timer delivered meanwhile would read that task's time; a replay
  // delivers it in the activation that replays the projection's result, whose time core moves to the
  // local activity's completion. After the batches are written, both runs read that later time.
  // Histories recorded before this rule keep the time at delivery, with no await in between.
  const afterProjection = patched('transition-time-after-projection');
  // While a transition waits for those batches, the case is about to change, and a validator run meanwhile
  // would judge it as it was: it would refuse a decision on a step the waiting transition releases, one the
  // read model may already show waiting (a worker killed after writing a batch leaves its local activity
  // to run again on the next worker, and the Update that arrives there is validated before it). So while
  // any transition waits, validators refuse only what no transition changes, and the handler, run after
  // the waiting ones, judges the rest. A decision's handler checks all a validator checks from this patch
  // on; histories recorded before it replay with the handler's old checks (validators do not replay).
  const checksInHandler = afterProjection && patched('decision-checks-in-handler');
  // A transition that releases 秒批 steps holds its batch while their rules run, and their decisions join
  // it: one write for the transition and the instant decisions it led to (workflows/projector.ts), not one
  // write each, awaited before the next step's rules. Histories recorded before the patch replay with one
  // write each.
  const instantInOneBatch = patched('instant-decisions-one-batch');
  let waiting = 0;
  /** Runs a transition at its instant; the check, the transition and its recording in one synchronous go. */
  const atTransitionTime = <T>(transition: (now: number) => Promise<T>): Promise<T> => {
    if (!afterProjection) return transition(Date.now());
    waiting++;
    return projector.flushed().then(
      () => {
        waiting--;
        return transition(Date.now());
      },
      (error: unknown) => {
        waiting--;
        throw error;
      },
    );
  };
  /** A validator's check of the case's state, made only when no transition waits to change that state. */
  const whenSettled = (check: () => MachineProblem | undefined): void => {
    if (waiting === 0 || !checksInHandler) refuse(check());
  };
  const http = new HttpDispatches(input, (stepId, message) =>
    atTransitionTime(async (now) => apply(machine.incident(stepId, message, now))),
  );

  /**
   * Records a transition's events, then carries out its effects (instant decisions are recorded too).
   * Answers with the case as this transition left it (statuses read when its events were made, not after
   * the awaits, when concurrent Updates may have moved the case on).
   */
  const apply = async (fx: Effects): Promise<CaseChange> => {
    const change: CaseChange = { caseStatus: 'running', steps: {}, seq: machine.seq };
    const record = (f: Effects) => {
      alarms?.rearm();
      for (const e of f.events) {
        if ('stepId' in e) change.steps[e.stepId] = machine.steps[e.stepId]!.status;
        if (e.type === 'case.closed') change.caseStatus = e.outcome;
      }
      change.seq = machine.seq;
      return projector.write(f.events);
    };
    // Held, the instant decisions' writes join this batch and are awaited with it.
    const release =
      instantInOneBatch && fx.dispatch.some((d) => d.adapter === 'auto') ? projector.hold() : undefined;
    const written = record(fx);
    const writes = release ? [written] : undefined;
    try {
      if (fx.dispatch.length > 0 || fx.withdraw.length > 0)
        await runAdapters(machine, input, fx, record, http, Date.now(), writes);
    } finally {
      release?.();
    }
    await (writes ? Promise.all(writes) : written);
    return change;
  };

  const alarms = clocks
    ? new Alarms(clocks, machine, async (alarm) => {
        const deadline = await atTransitionTime(async (now) => {
          // While the batches were written, a transition may have stopped the clock this alarm was for.
          if (afterProjection && !machine.warns(alarm)) return undefined;
          const deadline = machine.deadlineOf(alarm.stepId, alarm.clock) ?? new Date(alarm.at).toISOString();
          await apply(machine.warn(alarm, deadline, now));
          return deadline;
        });
        if (deadline !== undefined) await notifyWarning(input, alarm, deadline);
      })
    : undefined;

  // The opening batch is planned and queued before any handler is registered: the SDK delivers Updates
  // that arrived with the start as soon as their handler is set, and they must see the released steps.
  const openingFx = machine.start(Date.now(), input.submittedBy);
  const released = openingFx.events.flatMap((e) => (e.type === 'step.dispatched' ? [e.stepId] : []));
  const opened = apply(openingFx);

  for (const d of input.deficiencies ?? []) {
    // 容缺受理: if the promised materials are not in by the deadline, the step is terminated.
    void sleep(Math.max(0, Date.parse(d.due) - Date.now())).then(() =>
      atTransitionTime(async (now) => apply(machine.deficiencyDue(d.stepId, now))),
    );
  }

  const state = (): CaseState => ({
    caseId: input.caseId,
    status: machine.status,
    steps: machine.statuses(),
    data: { ...machine.data },
    seq: machine.seq,
    deadlines: deadlinesOf(machine),
  });
  setHandler(stateQuery, state);
  setHandler(chainHeadsQuery, () => projector.chainHeads());

  const decisionProblem = (args: DecideArgs): MachineProblem | undefined =>
    machine.checkDecision(args) ??
    machine.checkDecider(args.stepId, !!args.bySystem) ??
    machine.checkRound(args.stepId, args.round);

  setHandler(intakeUpdate, async (): Promise<IntakeResult> => ({ ...(await opened), dispatched: released }));

  setHandler(
    decideUpdate,
    (args: DecideArgs): Promise<DecideResult> =>
      atTransitionTime(async (now) => {
        // Again: validator and handler are not one atomic step, and the validator may have deferred.
        refuse(checksInHandler ? decisionProblem(args) : machine.checkDecision(args));
        const fx = machine.decide(args, now);
        const change = await apply(fx);
        return {
          ...change,
          stepId: args.stepId,
          stepStatus: machine.steps[args.stepId]!.status,
          dispatched: fx.events.flatMap((e) => (e.type === 'step.dispatched' ? [e.stepId] : [])),
          cancelled: fx.events.flatMap((e) => (e.type === 'step.cancelled' ? [e.stepId] : [])),
        };
      }),
    {
      // Before the patch, who may decide (checkDecider) and the task's round were checked here only:
      // validators do not run on replay, so histories recorded before the rules replay unchanged.
      validator: (args) => {
        refuse(machine.checkDecisionContent(args));
        whenSettled(() => decisionProblem(args));
      },
    },
  );

  setHandler(
    supplementUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkSupplement(args.stepId));
        return apply(machine.supplement(args.stepId, args.note, args.materials, args.actor, now));
      }),
    { validator: (args) => whenSettled(() => machine.checkSupplement(args.stepId)) },
  );

  setHandler(
    openStageUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkStage(args.stepId, args.actor, true));
        return apply(machine.openStage(args.stepId, args.kind!, args.opinion, args.actor, now));
      }),
    { validator: (args) => whenSettled(() => machine.checkStage(args.stepId, args.actor, true)) },
  );

  setHandler(
    closeStageUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkStage(args.stepId, args.actor, false));
        return apply(machine.closeStage(args.stepId, args.opinion, args.actor, now));
      }),
    { validator: (args) => whenSettled(() => machine.checkStage(args.stepId, args.actor, false)) },
  );

  setHandler(
    withdrawUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkWithdraw());
        return apply(machine.withdraw(args.opinion, args.actor, now));
      }),
    { validator: (_args) => whenSettled(() => machine.checkWithdraw()) },
  );

  setHandler(materialsUpdate, (args) =>
    atTransitionTime(async (now) => apply(machine.provideMaterials(args.materials, args.actor.userId, now))),
  );

  setHandler(
    assignUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkAssign(args));
        return apply(machine.assign(args, now));
      }),
    { validator: (args) => whenSettled(() => machine.checkAssign(args)) },
  );

  setHandler(
    redispatchUpdate,
    (args) =>
      atTransitionTime(async (now) => {
        refuse(machine.checkRedispatch(args.stepId));
        return apply(machine.redispatch(args.stepId, args.actor.userId, now));
      }),
    { validator: (args) => whenSettled(() => machine.checkRedispatch(args.stepId)) },
  );

  setHandler(
    calendarUpdate,
    (args): Promise<CalendarResult> =>
      atTransitionTime(async (now) => {
        refuse(calendarRefusal(machine, clocks, args.calendar));
        clocks!.adopt(args.calendar);
        const fx = machine.recountDeadlines(args.calendar.region, clocks!.years(), args.actor, now);
        const known = fx.events.filter((e) =>
          e.type === 'case.calendar_updated' ? e.deadline !== undefined : e.type === 'step.deadlines_updated',
        );
        return { ...(await apply(fx)), deadlines: known.length };
      }),
    { validator: (args) => whenSettled(() => calendarRefusal(machine, clocks, args.calendar)) },
  );

  await opened;
  await condition(() => machine.outcome !== undefined && allHandlersFinished());
  await alarms?.settle();
  await http.settle();
  await projector.flushed();
  return state();
}

function deadlinesOf(machine: CaseMachine): CaseState['deadlines'] {
  const promised = machine.deadlineOf(undefined, 'promised');
  const steps = Object.entries(machine.steps).filter(([, s]) => Object.keys(s.deadlines).length > 0);
  return {
    ...(promised ? { promised } : {}),
    steps: Object.fromEntries(steps.map(([id, s]) => [id, { ...s.deadlines }])),
  };
}

/** Turns a machine problem into the Update failure the API maps to an HTTP status (type = problem code). */
function refuse(problem: MachineProblem | undefined): void {
  if (!problem) return;
  throw ApplicationFailure.create({
    type: problem.code,
    message: problem.message,
    details: problem.errors ? [problem.errors] : [],
    nonRetryable: true,
  });
}
