// The catalog's personal-data declarations, kept apart from each process's flow so a reviewer (or the
// data-protection officer) reads them in one place: which form fields and outputs are personal
// information, of which categories, and why each department uses what its step receives, by what law
// (process/personal-data.ts; validation refuses a step that receives personal data without both).
import type { ProcessDefinition } from '../process/definition.ts';
import type { PersonalCategory } from '../process/personal-data.ts';

export interface PrivacyDeclarations {
  /** Top-level form fields that are personal information, with their categories. */
  fields: Record<string, PersonalCategory[]>;
  /** Outputs that are personal information, with their categories. */
  outputs: Record<string, PersonalCategory[]>;
  /** Every step's purpose of use and legal basis. */
  purposes: Record<string, { use: string; legalBasis: string }>;
}

/** The definition with its declarations applied (a new object: the flow's definition is left as it is). */
export function withPrivacy(def: ProcessDefinition, p: PrivacyDeclarations): ProcessDefinition {
  const unknown = [
    ...Object.keys(p.fields).filter((f) => !(f in def.form.properties)),
    ...Object.keys(p.purposes).filter((s) => !def.steps.some((step) => step.id === s)),
  ];
  if (unknown.length > 0)
    throw new Error(`${def.id}: privacy declarations name unknown ${unknown.join(', ')}`);
  return {
    ...def,
    form: {
      ...def.form,
      properties: Object.fromEntries(
        Object.entries(def.form.properties).map(([name, schema]) => [
          name,
          p.fields[name] ? { ...schema, 'x-personal': p.fields[name] } : schema,
        ]),
      ),
    },
    steps: def.steps.map((step) => ({
      ...step,
      ...(p.purposes[step.id] ? { purpose: p.purposes[step.id] } : {}),
      outputs: (step.outputs ?? []).map((o) =>
        p.outputs[o.name] ? { ...o, personal: p.outputs[o.name] } : o,
      ),
    })),
  };
}
