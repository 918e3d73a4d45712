// The wire contract between the engine and a department's own approval system. The engine's HTTP adapter
// and callback endpoint, the simulator and a real department integrator all read this folder
// (departments/), so it is self-contained: plain JSON types and constants, no engine imports.
//
// 1. Dispatch  (engine -> department)  POST {baseUrl}/departments/{CODE}/tasks
//      body DispatchRequest, headers Idempotency-Key: {taskId}, x-yjs-timestamp, x-yjs-signature
//      202 DispatchAccepted (also for a repeated taskId, which is applied once)
//      401 bad/missing/stale signature, 400 malformed body, 404 unknown department, 503 unavailable
// 2. Withdraw  (engine -> department)  POST {baseUrl}/departments/{CODE}/tasks/{taskId}/withdraw
//      body `{}` (signed like a dispatch); 200 WithdrawAccepted; idempotent; no callback afterwards
// 3. Decision  (department -> engine)  POST {DispatchRequest.callbackUrl}
//      body DecisionCallback, signed with the same department secret; 2xx = delivered, 4xx = final
//      refusal (not retried), network error or 5xx = retried with backoff.
// Signatures: see departments/signing.ts (`sha256=` hex HMAC-SHA256 over `${timestamp}.${rawBody}`).
// Task ids: see departments/task-id.ts.

/** Unix seconds of the signature; part of the signed text (departments/signing.ts). */
export const TIMESTAMP_HEADER = 'x-yjs-timestamp';
/** `sha256=` + hex HMAC-SHA256 over `${timestamp}.${rawBody}` (departments/signing.ts). */
export const SIGNATURE_HEADER = 'x-yjs-signature';

/**
 * Carries the taskId on every dispatch (`${taskId}:withdraw` on a withdrawal); a dispatch whose header
 * differs from its taskId is malformed (400).
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

export type OutputType = 'string' | 'number' | 'boolean' | 'date';
export type OutputValue = string | number | boolean;

/** An output the department must return when it approves (same shape as the definition's OutputSpec). */
export interface ExpectedOutput {
  name: string;
  type: OutputType;
  /** Full-match regular expression for strings, e.g. the 18-character unified social credit code. */
  pattern?: string;
  /** Defaults to true. */
  required?: boolean;
}

export interface DispatchRequest {
  /** Unique per dispatched step attempt; also the Idempotency-Key header. */
  taskId: string;
  caseId: string;
  caseNo: string;
  processId: string;
  stepId: string;
  title: string;
  /** Department code, e.g. "TAX"; must equal the {CODE} in the path. */
  department: string;
  /** Only the fields this step may see (data minimisation). */
  fields: Record<string, unknown>;
  /** Only the materials this step may see. */
  materials: string[];
  /** Outputs of earlier steps this step consumes (数据共享). */
  inputs: Record<string, unknown>;
  expectedOutputs: ExpectedOutput[];
  /** Where the decision is POSTed, e.g. https://engine/api/callbacks/TAX. */
  callbackUrl: string;
}

export interface DispatchAccepted {
  taskId: string;
  received: true;
}

export interface WithdrawAccepted {
  taskId: string;
  withdrawn: true;
}

export interface DecisionCallback {
  taskId: string;
  caseId: string;
  stepId: string;
  outcome: 'approve' | 'deny';
  /** Present on approvals: one value per expected output. */
  outputs?: Record<string, OutputValue>;
  /** The written opinion every decision carries. */
  opinion: string;
  /** Present on denials: the written reasons (一次告知: all at once). */
  reasons?: string[];
}

/** Error bodies of the simulator (and what a department system is expected to answer in spirit). */
export interface ErrorBody {
  error: string;
  message: string;
  errors?: { field: string; message: string }[];
}

export function dispatchPath(department: string): string {
  return `/departments/${encodeURIComponent(department)}/tasks`;
}

export function withdrawPath(department: string, taskId: string): string {
  return `${dispatchPath(department)}/${encodeURIComponent(taskId)}/withdraw`;
}
