// Uploads and the materials attached to cases.
import { and, desc, eq, sql } from 'drizzle-orm';
import { type Db, rowsOf } from './client.ts';
import { preparedRunnerOf } from './pglite-prepared.ts';
import { caseMaterials, uploads } from './schema.ts';

export type UploadRow = typeof uploads.$inferSelect;

export async function insertUpload(db: Db, row: typeof uploads.$inferInsert): Promise<UploadRow> {
  const [inserted] = await db.insert(uploads).values(row).returning();
  return inserted!;
}

/** Who uploaded each of these uploads (the ones that exist): what intake and attaching check. */
export type UploadOwner = Pick<UploadRow, 'id' | 'uploadedBy'>;

/**
 * The owners of the uploads named, in one statement whose text does not depend on how many are named (the
 * ids as a JSON array), so it runs prepared: on PGlite by name (every intake makes it), on the Postgres
 * server as every read does (db/prepared-reads.ts).
 */
export async function uploadOwners(db: Db, ids: string[]): Promise<UploadOwner[]> {
  if (ids.length === 0) return [];
  const statement = sql`select id, uploaded_by from uploads
    where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
  const prepared = preparedRunnerOf(db);
  const rows = prepared
    ? (await prepared(statement)).map(([id, uploadedBy]) => ({ id: id!, uploaded_by: uploadedBy! }))
    : rowsOf<{ id: string; uploaded_by: string }>(await db.execute(statement));
  return rows.map((r) => ({ id: r.id, uploadedBy: r.uploaded_by }));
}

export async function attachMaterials(
  db: Db,
  caseId: string,
  attachedBy: string,
  materials: Record<string, string>,
): Promise<void> {
  const rows = Object.entries(materials).map(([materialId, uploadId]) => ({
    caseId,
    materialId,
    uploadId,
    attachedBy,
  }));
  if (rows.length > 0) await db.insert(caseMaterials).values(rows).onConflictDoNothing();
}

export interface AttachedMaterial {
  materialId: string;
  upload: UploadRow;
  attachedAt: Date;
}

/** The materials of a case, newest attachment first per material. */
export async function caseMaterialsOf(db: Db, caseId: string): Promise<AttachedMaterial[]> {
  const rows = await db
    .select({ materialId: caseMaterials.materialId, attachedAt: caseMaterials.attachedAt, upload: uploads })
    .from(caseMaterials)
    .innerJoin(uploads, eq(uploads.id, caseMaterials.uploadId))
    .where(eq(caseMaterials.caseId, caseId))
    .orderBy(desc(caseMaterials.attachedAt));
  return rows;
}

export async function latestMaterial(
  db: Db,
  caseId: string,
  materialId: string,
): Promise<AttachedMaterial | undefined> {
  const [row] = await db
    .select({ materialId: caseMaterials.materialId, attachedAt: caseMaterials.attachedAt, upload: uploads })
    .from(caseMaterials)
    .innerJoin(uploads, eq(uploads.id, caseMaterials.uploadId))
    .where(and(eq(caseMaterials.caseId, caseId), eq(caseMaterials.materialId, materialId)))
    .orderBy(desc(caseMaterials.attachedAt))
    .limit(1);
  return row;
}
