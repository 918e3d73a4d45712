// Materials: clerks upload files (type sniffed from the bytes, size capped) and attach them to cases;
// staff download them as they may see the case: department staff only the materials their steps declare.
// Every download is recorded in the access log.

import { fileTypeFromBuffer } from 'file-type';
import { Type } from 'typebox';
import { logAccess } from '../../db/access-log.ts';
import { listSteps } from '../../db/cases.ts';
import { caseMaterialsOf, insertUpload, latestMaterial } from '../../db/materials.ts';
import { caseAccess } from '../case-access.ts';
import type { App, AppDeps } from '../deps.ts';
import { currentUser, requireRole } from '../plugins/app/auth.ts';
import { forbidden, invalid, notFound, Problem } from '../problem.ts';
import { CaseParams, problems } from '../schemas/common.ts';
import { Upload } from '../schemas/materials.ts';
import { TEXT_MESSAGE, Text } from '../schemas/text.ts';
import { isBadText } from '../text-check.ts';

/** What a material may be: scans and photos of documents. Detected from the content, not the name. */
export const ALLOWED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

export function materialRoutes(app: App, deps: AppDeps): void {
  app.post(
    '/api/materials',
    {
      preValidation: requireRole('clerk'),
      schema: {
        tags: ['materials'],
        summary: 'Upload one material (multipart field "file"): PDF, PNG or JPEG',
        consumes: ['multipart/form-data'],
        response: { 201: Upload, ...problems(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (!request.isMultipart()) {
        throw new Problem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'Upload as multipart/form-data.',
        );
      }
      const file = await request.file().catch((error: unknown) => {
        // busboy refuses a body it cannot split (no boundary, a broken header): the client's fault.
        throw new Problem(
          400,
          'malformed-multipart',
          'Malformed multipart body',
          `The multipart body cannot be read: ${(error as Error).message}.`,
        );
      });
      if (!file) throw new Problem(400, 'no-file', 'No file', 'The multipart body has no file part.');
      if (isBadText(file.filename)) {
        throw invalid('invalid-request', 'Invalid request', 'The request has 1 problem(s).', [
          { field: 'file.filename', message: TEXT_MESSAGE },
        ]);
      }
      let bytes: Buffer;
      try {
        bytes = await file.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new Problem(
            413,
            'material-too-large',
            'Material too large',
            `A material may be at most ${deps.materialMaxBytes} bytes.`,
          );
        }
        throw error;
      }
      const detected = await fileTypeFromBuffer(bytes);
      if (!detected || !(detected.mime in ALLOWED_TYPES)) {
        throw new Problem(
          415,
          'material-type-not-allowed',
          'Material type not allowed',
          `Materials must be ${Object.keys(ALLOWED_TYPES).join(', ')}; this file is ${detected?.mime ?? 'of an unknown type'}.`,
        );
      }
      const sha256 = await deps.materials.put(bytes);
      const upload = await insertUpload(deps.db, {
        id: crypto.randomUUID(),
        sha256,
        size: bytes.length,
        contentType: detected.mime,
        filename: (file.filename || `material.${detected.ext}`).slice(0, 200),
        uploadedBy: user.id,
      });
      return reply.status(201).send(upload);
    },
  );

  app.get(
    '/api/cases/:id/materials',
    {
      schema: {
        tags: ['materials'],
        summary: "The case's materials you may see (latest upload per material first)",
        params: CaseParams,
        response: {
          200: Type.Array(
            Type.Object({
              materialId: Type.String(),
              attachedAt: Type.String({ format: 'date-time' }),
              upload: Upload,
            }),
          ),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const visible = await visibleMaterials(deps, currentUser(request), request.params.id);
      const rows = await caseMaterialsOf(deps.db, request.params.id);
      return rows
        .filter((r) => visible === null || visible.has(r.materialId))
        .map((r) => ({ materialId: r.materialId, attachedAt: r.attachedAt.toISOString(), upload: r.upload }));
    },
  );

  app.get(
    '/api/cases/:id/materials/:materialId',
    {
      schema: {
        tags: ['materials'],
        summary: 'Download the latest upload of a material (recorded in the access log)',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          materialId: Text({ minLength: 1, maxLength: 64 }),
        }),
        response: {
          200: {
            description: 'The file, as uploaded (its type detected from the bytes)',
            content: Object.fromEntries(
              Object.keys(ALLOWED_TYPES).map((type) => [
                type,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
          ...problems(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { id, materialId } = request.params;
      const visible = await visibleMaterials(deps, user, id);
      if (visible !== null && !visible.has(materialId)) {
        throw forbidden(`Your department's steps do not use the material '${materialId}'.`);
      }
      const attached = await latestMaterial(deps.db, id, materialId);
      const stream = attached && deps.materials.open(attached.upload.sha256);
      if (!attached || !stream) throw notFound('material', `Case ${id} has no material '${materialId}'.`);
      await logAccess(deps.db, user, [
        { caseId: id, purpose: `material:${materialId}`, fields: [materialId] },
      ]);
      return reply
        .type(attached.upload.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${materialId}.${ALLOWED_TYPES[attached.upload.contentType]}"`,
        )
        .header('x-content-sha256', attached.upload.sha256)
        .send(stream);
    },
  );
}

/** null = every material; otherwise the ones the steps of the user's department that apply declare. */
async function visibleMaterials(deps: AppDeps, user: ReturnType<typeof currentUser>, caseId: string) {
  const facts = await deps.actions.caseFacts(caseId);
  if (user.role !== 'department') return null;
  return caseAccess(facts.definition, user, await listSteps(deps.db, caseId), facts.caseNo).materials;
}
