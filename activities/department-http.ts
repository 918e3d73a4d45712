// The 'http' adapter: a department's own system gets its part of the case over HTTP, signed, with the
// task id as idempotency key (a retried dispatch is applied once there), and answers later through a
// signed callback (api/routes/callbacks.ts). Only what the step may see is sent. Failed attempts open
// an incident managers can see; Temporal retries with backoff per the workflow's policy.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { dispatchSourceOf } from '../db/case-reads.ts';
import type { Db } from '../db/client.ts';
import { recordDelivery } from '../db/delivered-dispatch.ts';
import { recordFailure } from '../db/incidents.ts';
import {
  DEFAULT_TIMEOUT_MS,
  type DepartmentIntegration,
  type Integrations,
  isRetryableStatus,
} from '../departments/integrations.ts';
import type { DispatchRequest } from '../departments/protocol.ts';
import { dispatchPath, IDEMPOTENCY_KEY_HEADER, withdrawPath } from '../departments/protocol.ts';
import { signedHeaders } from '../departments/signing.ts';
import { taskIdOf } from '../departments/task-id.ts';
import type { StepDefinition } from '../process/definition.ts';
import { countAdapterError } from './metrics.ts';

export interface HttpDispatchArgs {
  caseId: string;
  processId: string;
  step: Pick<StepDefinition, 'id' | 'title' | 'department' | 'fields' | 'materials' | 'inputs' | 'outputs'>;
  round: number;
  /** The workflow's retry limit, so the incident can say whether the engine is still trying. */
  maximumAttempts: number;
}

async function post(
  integration: DepartmentIntegration,
  url: string,
  body: string,
  key: string,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [IDEMPOTENCY_KEY_HEADER]: key,
      ...signedHeaders(integration.secret, body),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(integration.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
}

export function createDepartmentHttp(db: Db, integrations: Integrations, publicUrl: string) {
  const integrationOf = (department: string): DepartmentIntegration => {
    const integration = integrations[department];
    if (!integration) {
      throw ApplicationFailure.nonRetryable(
        `department ${department} has no HTTP integration configured`,
        'no-integration',
      );
    }
    return integration;
  };

  async function dispatchToDepartment(args: HttpDispatchArgs): Promise<void> {
    const attempt = Context.current().info.attempt;
    const { caseId, step, round } = args;
    const integration = integrationOf(step.department);
    const key = { caseId, stepId: step.id, round, department: step.department };
    const row = await dispatchSourceOf(db, caseId);
    if (!row) throw new Error(`case ${caseId} is not in the read model`);
    const request: DispatchRequest = {
      taskId: taskIdOf(caseId, step.id, round),
      caseId,
      caseNo: row.caseNo,
      processId: args.processId,
      stepId: step.id,
      title: step.title,
      department: step.department,
      // Minimum necessary: the fields, materials and earlier outputs this step declares, nothing else.
      fields: Object.fromEntries(Object.entries(row.application).filter(([k]) => step.fields.includes(k))),
      materials: step.materials,
      inputs: Object.fromEntries(
        Object.entries(row.data)
          .filter(([k]) => step.inputs.includes(k))
          .map(([k, d]) => [k, d.value]),
      ),
      expectedOutputs: step.outputs.map((o) => ({
        name: o.name,
        type: o.type,
        ...(o.pattern ? { pattern: o.pattern } : {}),
        ...(o.required === false ? { required: false } : {}),
      })),
      callbackUrl: `${publicUrl}/api/callbacks/${encodeURIComponent(step.department)}`,
    };
    const final = attempt >= args.maximumAttempts;
    let response: Response;
    try {
      response = await post(
        integration,
        integration.baseUrl + dispatchPath(step.department),
        JSON.stringify(request),
        request.taskId,
      );
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable';
      countAdapterError(step.department, reason === 'timed out' ? 'timeout' : 'unreachable');
      await recordFailure(db, key, `department system ${reason}`, !final);
      throw new Error(`department ${step.department} system ${reason}`);
    }
    if (response.ok) {
      // The applicant's log of who read their data counts what went to the department's system too.
      await recordDelivery(db, key, [
        ...Object.keys(request.fields),
        ...Object.keys(request.inputs),
        ...step.materials,
      ]);
      return;
    }
    const retryable = isRetryableStatus(integration, response.status);
    countAdapterError(step.department, 'http');
    await recordFailure(db, key, `department system answered HTTP ${response.status}`, retryable && !final);
    if (!retryable) {
      throw ApplicationFailure.nonRetryable(
        `department ${step.department} refused the task: HTTP ${response.status}`,
        'department-refused',
      );
    }
    throw new Error(`department ${step.department} answered HTTP ${response.status}`);
  }

  async function withdrawFromDepartment(args: {
    caseId: string;
    stepId: string;
    round: number;
    department: string;
  }) {
    const integration = integrationOf(args.department);
    const taskId = taskIdOf(args.caseId, args.stepId, args.round);
    const response = await post(
      integration,
      integration.baseUrl + withdrawPath(args.department, taskId),
      '{}',
      `${taskId}:withdraw`,
    );
    if (!response.ok && isRetryableStatus(integration, response.status)) {
      throw new Error(`department ${args.department} answered HTTP ${response.status} to a withdrawal`);
    }
  }

  return { dispatchToDepartment, withdrawFromDepartment };
}
