import { describe, expect, it } from 'vitest';
import cn from '../processes/calendars/CN.json' with { type: 'json' };
import { calendarFromStateCouncilJson } from './calendar.ts';
import { type ClockPause, type ClockSpan, clockState, levelAt } from './clock.ts';
import {
  clockAfter,
  limitsOf,
  readClock,
  readStepClocks,
  spansOf,
  stepDeadlines,
  urgencyOf,
} from './step-clock.ts';

const CN = calendarFromStateCouncilJson(cn);
const HOUR = 3_600_000;
/** An instant given in Beijing time, parsed independently of the modules under test. */
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => new Date(at(local)).toISOString();
const MON = at('2026-09-07T10:00');

describe('clockAfter: how events move a step clock', () => {
  it('dispatch starts it afresh; pauses open and close; a decision stops it; other events leave it', () => {
    let clock: ClockSpan = { pauses: [] };
    clock = clockAfter(clock, 'step.dispatched', MON);
    expect(clock).toEqual({ startedAt: MON, pauses: [] });
    clock = clockAfter(clock, 'step.supplement_requested', MON + HOUR);
    clock = clockAfter(clock, 'step.incident', MON + 2 * HOUR);
    clock = clockAfter(clock, 'step.supplemented', MON + 3 * HOUR);
    clock = clockAfter(clock, 'step.special_stage_opened', MON + 4 * HOUR);
    const open = clock;
    clock = clockAfter(clock, 'step.special_stage_closed', MON + 5 * HOUR);
    clock = clockAfter(clock, 'step.approved', MON + 6 * HOUR);
    expect(clock).toEqual({
      startedAt: MON,
      pauses: [
        { from: MON + HOUR, to: MON + 3 * HOUR, reason: 'supplement' },
        { from: MON + 4 * HOUR, to: MON + 5 * HOUR, reason: 'special-stage' },
      ],
      stoppedAt: MON + 6 * HOUR,
    });
    // A new span each time: what was read before does not change.
    expect(open.pauses.at(-1)).toEqual({ from: MON + 4 * HOUR, reason: 'special-stage' });
  });

  it('a resume without an open pause changes nothing', () => {
    const clock: ClockSpan = { startedAt: MON, pauses: [] };
    expect(clockAfter(clock, 'step.supplemented', MON + HOUR)).toBe(clock);
  });

  it('spansOf replays a timeline: steps never dispatched have no clock', () => {
    const spans = spansOf([
      { type: 'case.started', stepId: null, at: MON },
      { type: 'step.dispatched', stepId: 'a', at: MON },
      { type: 'step.cancelled', stepId: 'b', at: MON + HOUR },
      { type: 'step.denied', stepId: 'a', at: MON + HOUR },
    ]);
    expect([...spans]).toEqual([['a', { startedAt: MON, pauses: [], stoppedAt: MON + HOUR }]]);
  });
});

describe('reading a step clock', () => {
  const step = { limits: { promised: { days: 2 }, statutory: { days: 20 } } };
  const clock: ClockSpan = { startedAt: MON, pauses: [] };

  it('promised first, then statutory; only the promise warns', () => {
    expect(limitsOf(step).map(([kind]) => kind)).toEqual(['promised', 'statutory']);
    const [promised, statutory] = readStepClocks(CN, step, clock, { fraction: 0.2 }, at('2026-09-09T14:00'));
    // 2 working days from Monday 10:00 end Wednesday 17:00: 7 + 8 + 8 = 23 h; yellow with 4.6 h left.
    expect(promised).toMatchObject({
      clock: 'promised',
      state: 'yellow',
      deadline: at('2026-09-09T17:00'),
      yellowAt: at('2026-09-09T12:24'),
      usedMs: 20 * HOUR,
      workingDaysLeft: 3 / 8,
    });
    expect(statutory).toMatchObject({ clock: 'statutory', state: 'green', thresholdMs: 0 });
  });

  it('nothing for a clock not started', () => {
    expect(readStepClocks(CN, step, { pauses: [] }, {}, MON)).toEqual([]);
    expect(stepDeadlines(CN, step, { pauses: [] }, {}, MON)).toEqual({});
  });

  it('unknown, with the reason, when the calendar does not reach: never a guess', () => {
    expect(
      readClock(CN, { startedAt: at('2026-12-30T10:00'), pauses: [] }, { days: 5 }, 'statutory', MON, {}),
    ).toMatchObject({ clock: 'statutory', state: 'unknown', note: expect.stringMatching(/2027/) });
  });

  it('the deadlines recorded at a restart count a pause still open as ending then', () => {
    const paused: ClockSpan = {
      startedAt: MON,
      pauses: [{ from: at('2026-09-07T13:00'), reason: 'supplement' }],
    };
    // Paused Monday 13:00 to Tuesday 13:00: 8 working hours, so a working day later than without it.
    expect(stepDeadlines(CN, step, paused, { fraction: 0.2 }, at('2026-09-08T13:00'))).toMatchObject({
      promised: iso('2026-09-10T17:00'),
      yellowAt: iso('2026-09-10T12:24'),
    });
  });
});

describe('one colour', () => {
  it('urgency is the colour of the recorded deadlines, none without one', () => {
    const recorded = { deadline: at('2026-09-09T17:00'), yellowAt: at('2026-09-09T14:00') };
    expect(urgencyOf(recorded, at('2026-09-09T13:59'))).toBe('green');
    expect(urgencyOf(recorded, at('2026-09-09T14:00'))).toBe('yellow');
    expect(urgencyOf(recorded, at('2026-09-09T17:00'))).toBe('red');
    expect(urgencyOf({ deadline: recorded.deadline, yellowAt: undefined }, at('2026-09-09T16:00'))).toBe(
      'green',
    );
    expect(urgencyOf({ deadline: undefined, yellowAt: undefined }, MON)).toBe('none');
  });

  it('property: the colour from the instants is the colour from the used time, paused or not', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      return seed / 2 ** 32;
    };
    const levels = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const startedAt = MON + Math.floor(random() * 10 * 24) * HOUR;
      const pauses: ClockPause[] = [];
      let cursor = startedAt;
      for (let p = Math.floor(random() * 3); p > 0; p--) {
        const from = cursor + Math.floor(random() * 120) * HOUR;
        const open = random() < 0.3;
        const to = from + Math.floor(random() * 40) * HOUR;
        pauses.push(open ? { from, reason: 'supplement' } : { from, to, reason: 'special-stage' });
        cursor = to;
      }
      const stoppedAt = startedAt + Math.floor(random() * 15 * 24) * HOUR;
      const span: ClockSpan = random() < 0.3 ? { startedAt, pauses, stoppedAt } : { startedAt, pauses };
      const now = startedAt + Math.floor(random() * 20 * 24) * HOUR + Math.floor(random() * HOUR);
      const s = clockState(CN, span, { days: 3 }, now, { fraction: 0.25 });
      const byUsage =
        s.remainingMs <= 0 ? 'red' : s.thresholdMs > 0 && s.remainingMs <= s.thresholdMs ? 'yellow' : 'green';
      expect(s.level).toBe(byUsage);
      expect(levelAt(s, span.stoppedAt !== undefined && span.stoppedAt <= now ? span.stoppedAt : now)).toBe(
        byUsage,
      );
      levels.add(`${s.state}/${s.level}`);
    }
    expect([...levels].sort()).toEqual([
      'green/green',
      'paused/green',
      'paused/red',
      'paused/yellow',
      'red/red',
      'stopped/green',
      'stopped/red',
      'stopped/yellow',
      'yellow/yellow',
    ]);
  });
});
