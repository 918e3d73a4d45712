// The payload keys of every Temporal client and worker in the tests: fixed, so that any test's client can
// read any test's workflows, and obviously not a secret.
import { createHash } from 'node:crypto';
import type { PayloadKey } from '../services/payload-codec.ts';

export const TEST_PAYLOAD_KEYS: PayloadKey[] = [
  { id: 'test-key-1', key: createHash('sha256').update('yijianshi test payload key 1').digest() },
];
