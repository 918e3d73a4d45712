// The worker bundles this file: every workflow type the engine runs.
export { caseWorkflow } from './caseWorkflow.ts';
export { followUpWorkflow } from './followUpWorkflow.ts';
