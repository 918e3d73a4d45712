// The applicant's identifiers for search (ID numbers, unified social credit codes) as keyed hashes
// (HMAC-SHA256 with APPLICANT_HASH_KEY): the index finds a case by an exact identifier, but a leaked index
// gives nothing back without the key (a plain hash of an 18-digit ID number is brute-forced in minutes).
import { createHmac } from 'node:crypto';

/** Form fields that hold an identifier: idNumber, childIdNumber, creditCode... at any depth of the form. */
const IDENTIFIER_FIELD = /(idnumber|creditcode)$/i;

/** Identifiers are compared as written on the document: no spaces, upper case (the X of an ID number). */
export function normalizeIdentifier(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function identifierHash(key: string, identifier: string): string {
  return createHmac('sha256', key).update(normalizeIdentifier(identifier)).digest('hex');
}

/** Every identifier in an application, hashed; duplicates once. */
export function applicationIdentifierHashes(key: string, application: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, name: string) => {
    if (typeof value === 'string' && IDENTIFIER_FIELD.test(name) && normalizeIdentifier(value) !== '') {
      found.add(identifierHash(key, value));
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, name);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(application, '');
  return [...found];
}
