// Uploads and the materials attached to cases.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client.ts';
import { caseMaterials, uploads } from './schema.ts';

export type UploadRow = typeof uploads.$inferSelect;

export async function insertUpload(db: Db, row: typeof uploads.$inferInsert): Promise<UploadRow> {
  const [inserted] = await db.insert(uploads).values(row).returning();
  return inserted!;
}

export async function findUploads(db: Db, ids: string[]): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(uploads).where(inArray(uploads.id, ids));
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
