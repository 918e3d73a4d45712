// The Text rule (api/schemas/text.ts) for free-form JSON the request schemas cannot describe field by field:
// the combined application, a published definition. Lists every offending string or key by its path, never
// its value (it may be personal data).
import type { FieldError } from './problem.ts';
import { TEXT_MESSAGE } from './schemas/text.ts';

/** NUL, or a surrogate not part of a pair (with the `u` flag a pair is one code point, so never matched). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what the rule refuses
const BAD_TEXT = /[\u0000\uD800-\uDFFF]/u;

export const isBadText = (s: string): boolean => BAD_TEXT.test(s);

/** Every string (value or key) in `value` that breaks the Text rule, as field errors under `root`. */
export function badTextFields(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  // Iterative: free-form JSON may be nested deeper than the call stack allows.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (isBadText(v)) errors.push({ field: path, message: TEXT_MESSAGE });
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push([item, `${path}[${i}]`]);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        if (isBadText(k)) errors.push({ field: `${path}.(key)`, message: TEXT_MESSAGE });
        else stack.push([item, `${path}.${k}`]);
      }
    }
  }
  return errors.reverse();
}
