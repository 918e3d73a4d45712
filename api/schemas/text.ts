// Text as the API accepts it: any Unicode except NUL and unpaired UTF-16 surrogates. Postgres cannot store
// either in text or jsonb, so such input would pass the workflow and then fail every read-model write: it is
// refused at the edge instead. Every free-text and string field of a request uses Text (or a stricter
// pattern of its own); strings inside free-form JSON (the application, a definition) are walked by
// api/text-check.ts with the same rule.
import { type TStringOptions, Type } from 'typebox';

/** JSON Schema pattern (Ajv compiles it with the `u` flag, so a lone surrogate is one code point). */
export const TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

export const TEXT_MESSAGE = 'must not contain NUL or unpaired surrogate characters';

/** A string field of a request: no NUL, no lone surrogates. */
export const Text = (options: Omit<TStringOptions, 'pattern'> = {}) =>
  Type.String({ ...options, pattern: TEXT_PATTERN });
