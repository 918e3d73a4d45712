// The case a route is about, or a 404 problem.
import { type CaseRow, findCase } from '../db/cases.ts';
import type { Db } from '../db/client.ts';
import { notFound } from './problem.ts';

export async function requireCase(db: Db, id: string): Promise<CaseRow> {
  const row = await findCase(db, id);
  if (!row) throw notFound('case', `There is no case ${id}.`);
  return row;
}
