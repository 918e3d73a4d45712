// Materials: an uploaded file as the API describes it.
import { Type } from 'typebox';

export const Upload = Type.Object({
  id: Type.String({ format: 'uuid' }),
  sha256: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
  filename: Type.String(),
});
