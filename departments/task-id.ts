// Task ids of the engine <-> department protocol: one task per dispatched round of a step, so a
// resubmission after a supplement is a new task and a retried dispatch is the same one (the department
// applies it once). The engine makes them when dispatching and reads them back from callbacks. Part of
// the contract (departments/): imports nothing of the engine.

export interface TaskRef {
  caseId: string;
  stepId: string;
  round: number;
}

/** `${caseId}:${stepId}:${round}`; also the dispatch's Idempotency-Key. */
export function taskIdOf(caseId: string, stepId: string, round: number): string {
  return `${caseId}:${stepId}:${round}`;
}

/** The parts of a task id the engine made; undefined for anything else. */
export function parseTaskId(taskId: string): TaskRef | undefined {
  const m = /^([0-9a-f-]{36}):([a-z][a-z0-9-]*):(\d+)$/.exec(taskId);
  return m ? { caseId: m[1]!, stepId: m[2]!, round: Number(m[3]) } : undefined;
}
