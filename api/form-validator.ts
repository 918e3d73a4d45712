// Checks a combined application against its definition's form schema and lists every defect at once
// (一次告知). Messages name fields and rules, never the submitted values (they may be personal data).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ProcessDefinition } from '../process/definition.ts';
import { createAjv } from './ajv.ts';
import type { FieldError } from './problem.ts';
import { badTextFields } from './text-check.ts';

const ajv = createAjv({ coerceTypes: false, useDefaults: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(definition: ProcessDefinition): ValidateFunction {
  const key = `${definition.id}@${definition.version}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(definition.form);
    compiled.set(key, validate);
  }
  return validate;
}

function toFieldError(e: ErrorObject, root: string): FieldError {
  const path = root + e.instancePath.replace(/\//g, '.');
  if (e.keyword === 'required') {
    return {
      field: `${path}.${(e.params as { missingProperty: string }).missingProperty}`,
      message: 'is required',
    };
  }
  if (e.keyword === 'additionalProperties') {
    const name = (e.params as { additionalProperty: string }).additionalProperty;
    return { field: `${path}.${name}`, message: 'is not a field of this form' };
  }
  return { field: path, message: e.message ?? `fails ${e.keyword}` };
}

export function validateApplication(
  definition: ProcessDefinition,
  application: unknown,
  root = 'application',
): FieldError[] {
  const validate = validatorFor(definition);
  // Every string of the application, whatever the form allows, follows the API's Text rule.
  const text = badTextFields(application, root);
  if (validate(application)) return text;
  return [...(validate.errors ?? []).map((e) => toFieldError(e, root)), ...text];
}
