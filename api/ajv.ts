// Ajv instances for the API: every failing field reported (allErrors), standard formats known.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * A uuid as Postgres reads it. ajv-formats' uuid also takes a 'urn:uuid:' prefix, which Postgres refuses
 * as a uuid's input: such an id passed validation and failed its statement (a 500).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAjv(options: Options = {}): Ajv {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false, removeAdditional: false, ...options }));
  return ajv.addFormat('uuid', UUID);
}
