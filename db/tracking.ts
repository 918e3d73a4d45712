// Tracking codes (办件查询码) for applicants: 20 random Crockford base32 characters (100 bits), shown once on
// the receipt as ABCD-EFGH-JKMN-PQRS-TVWX and stored only as a SHA-256 hash on the case. Issuing a new one
// replaces the hash, which voids the old code. Also the applicant's service rating (好差评).
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './client.ts';
import { type FollowUpRow, openFollowUp } from './follow-ups.ts';
import { caseRatings, cases, followUps } from './schema.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 20;

/** A new code, grouped for reading aloud and typing: ABCD-EFGH-JKMN-PQRS-TVWX. */
export function newTrackingCode(): string {
  const chars = Array.from({ length: LENGTH }, () => CROCKFORD[randomInt(CROCKFORD.length)]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/**
 * The code as typed, reduced to its 20 characters: case, dashes and spaces do not matter, and the letters
 * Crockford's alphabet leaves out read as the digits they look like (O→0, I/L→1). Anything else stays and
 * simply does not match.
 */
export function normalizeTrackingCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashTrackingCode(code: string): string {
  return createHash('sha256').update(normalizeTrackingCode(code)).digest('hex');
}

/** Compares in constant time; a missing hash (no code issued) compares against a dummy, equally slow. */
export function trackingCodeMatches(code: string, storedHash: string | null | undefined): boolean {
  const given = Buffer.from(hashTrackingCode(code), 'hex');
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, 'hex');
  return expected.length === given.length && timingSafeEqual(given, expected) && storedHash != null;
}

/** A hash no code has (it is the hash of a string that normalizes to something no code can be). */
const DUMMY_HASH = createHash('sha256').update('no tracking code').digest('hex');

/** Gives a case a new tracking code (voiding any old one); the plain code, to show once. */
export async function issueTrackingCode(db: Db, caseId: string): Promise<string> {
  const code = newTrackingCode();
  await db
    .update(cases)
    .set({ trackingCodeHash: hashTrackingCode(code) })
    .where(eq(cases.id, caseId));
  return code;
}

export type RatingRow = typeof caseRatings.$inferSelect;

export async function findRating(db: Db, caseId: string): Promise<RatingRow | undefined> {
  const [row] = await db.select().from(caseRatings).where(eq(caseRatings.caseId, caseId));
  return row;
}

/** A rating of 1 or 2 is a complaint (差评): it opens a follow-up (整改). */
export const COMPLAINT_AT_MOST = 2;

/**
 * Records a first rating, or replaces the existing one (the caller checked it may), and opens the case's
 * follow-up in the same transaction when the score is a complaint. The follow-up is opened once per case: a
 * replacement (another bad score, another blamed department, or a better score) leaves an open follow-up
 * as it is, since the complaint was made and must be answered; it keeps the department first blamed.
 */
export async function rateCase(
  db: Db,
  caseId: string,
  rating: { score: number; comment: string | null; department: string | null },
  at: Date,
): Promise<{ rating: RatingRow; followUp: FollowUpRow | undefined }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(caseRatings)
      .values({ caseId, ...rating, firstRatedAt: at, ratedAt: at })
      .onConflictDoUpdate({
        target: caseRatings.caseId,
        set: { score: rating.score, comment: rating.comment, department: rating.department, ratedAt: at },
      })
      .returning();
    const followUp =
      rating.score <= COMPLAINT_AT_MOST
        ? await openFollowUp(tx, caseId, { ...rating, at })
        : (await tx.select().from(followUps).where(eq(followUps.caseId, caseId)))[0];
    return { rating: row!, followUp };
  });
}
