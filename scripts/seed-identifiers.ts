// What the seed and the query bench share: the applicant-hash key of seeded data, and applicant i's identifier.

/** The key the seed hashes identifiers with and the query bench searches with, unless APPLICANT_HASH_KEY is set. */
export const BENCH_HASH_KEY = 'bench-applicant-hash-key-0123456789abcdef';

/** Applicant i's identifier (an 18-character ID-number-like string). */
export const seedIdentifier = (i: number) => `33${String(i).padStart(15, '0')}X`;
