import { describe, expect, it } from 'vitest';
import { parseTaskId, taskIdOf } from './task-id.ts';

const CASE = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('task ids', () => {
  it('name the case, the step and the round, and read back to the same parts', () => {
    const id = taskIdOf(CASE, 'tax-registration', 2);
    expect(id).toBe(`${CASE}:tax-registration:2`);
    expect(parseTaskId(id)).toEqual({ caseId: CASE, stepId: 'tax-registration', round: 2 });
  });

  it.each([
    ['', 'empty'],
    [`${CASE}:tax-registration`, 'no round'],
    [`${CASE}:Tax:1`, 'a step id not in kebab case'],
    [`${CASE}:tax:1:withdraw`, 'a withdrawal key'],
    ['not-a-case:tax:1', 'a case id that is no uuid'],
    [`${CASE}:tax:-1`, 'a negative round'],
  ])('refuses %j (%s)', (id) => {
    expect(parseTaskId(id)).toBeUndefined();
  });
});
