import { post } from '../shared/api.ts';
import type { Upload } from '../shared/types.ts';

/** POST /api/materials (multipart, field "file"): PDF, PNG or JPEG, checked by the server from the bytes. */
export function uploadMaterial(file: File): Promise<Upload> {
  const body = new FormData();
  body.append('file', file, file.name);
  return post<Upload>('/api/materials', body);
}
