// The worker bundles this file: every workflow type the engine runs.
export { caseWorkflow } from './caseWorkflow.ts';
