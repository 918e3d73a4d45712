// Multipart bodies for material uploads: one file part, no fields, at most the configured size (a larger
// file fails while streaming and becomes a 413 problem in the upload route).
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

export async function registerMultipart(app: FastifyInstance, maxBytes: number): Promise<void> {
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 0 } });
}
