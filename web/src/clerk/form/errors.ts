// Defects on the combined form, from the browser's own check and from the server's problem list, as one
// list of (field path, message) and as the rjsf error schema that marks each field.
import type { ErrorSchema, RJSFValidationError } from '@rjsf/utils';
import { ErrorSchemaBuilder } from '@rjsf/utils';

export interface FieldDefect {
  /** Dotted path under the application, e.g. "legalRepresentative.idNumber". */
  path: string;
  message: string;
}

/** rjsf's error property (".a.b" or "a.b" or "") to a dotted path. */
export function pathOfProperty(property: string | undefined): string {
  return (property ?? '').replace(/^\./, '').replace(/\[(\d+)\]/g, '.$1');
}

export function fromValidation(errors: RJSFValidationError[]): FieldDefect[] {
  return errors.map((e) => ({ path: pathOfProperty(e.property), message: e.message ?? '' }));
}

/** Merges defects by path and message (the browser and the server often find the same one). */
export function merge(...lists: FieldDefect[][]): FieldDefect[] {
  const seen = new Set<string>();
  const out: FieldDefect[] = [];
  for (const d of lists.flat()) {
    const key = `${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

export function errorSchema(defects: FieldDefect[]): ErrorSchema {
  const builder = new ErrorSchemaBuilder();
  for (const d of defects) {
    if (d.path) builder.addErrors(d.message, d.path.split('.'));
    else builder.addErrors(d.message);
  }
  return builder.ErrorSchema;
}

export function valueAt(data: unknown, path: string): unknown {
  let node = data;
  for (const name of path.split('.').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[name];
  }
  return node;
}
