// Personal data in a definition (PIPL: minimum necessary, purpose limitation, the individual's right to
// know): which form fields and outputs carry personal information, of which categories, and the purpose
// and legal basis each step declares for using what it receives. A step that receives personal data from
// the applicant's form or from another department's result (一次采集 多次复用: collected once, reused) must
// declare both; the applicant's view of the access log shows them with every read.
import type { FormSchema, ProcessDefinition, StepDefinition } from './definition.ts';

/** Categories of personal information, as the applicant's view names them. */
export const PERSONAL_CATEGORIES = {
  identity: '身份信息',
  contact: '联系方式',
  address: '住址',
  family: '家庭关系',
  financial: '银行账户',
  health: '健康医疗',
  property: '不动产信息',
  employment: '就业社保',
} as const;
export type PersonalCategory = keyof typeof PERSONAL_CATEGORIES;

/** The categories a form field declares (`x-personal` on the top-level property). */
export function fieldCategories(form: FormSchema, field: string): PersonalCategory[] {
  const declared = form.properties[field]?.['x-personal'];
  return Array.isArray(declared) ? (declared as PersonalCategory[]) : [];
}

/** The categories an output declares (`personal` on its spec). */
export function outputCategories(def: ProcessDefinition, output: string): PersonalCategory[] {
  for (const step of def.steps)
    for (const o of step.outputs ?? []) if (o.name === output) return o.personal ?? [];
  return [];
}

/** The categories of personal data a step's department receives: its form fields and its inputs. */
export function stepCategories(def: ProcessDefinition, step: StepDefinition): PersonalCategory[] {
  const all = [
    ...(step.fields ?? []).flatMap((f) => fieldCategories(def.form, f)),
    ...(step.inputs ?? []).flatMap((i) => outputCategories(def, i)),
  ];
  return [...new Set(all)];
}

/** The categories among some named fields and outputs (what one read showed). */
export function categoriesOf(def: ProcessDefinition, names: string[]): PersonalCategory[] {
  const fields = new Set(Object.keys(def.form.properties));
  return [
    ...new Set(
      names.flatMap((n) => (fields.has(n) ? fieldCategories(def.form, n) : outputCategories(def, n))),
    ),
  ];
}

/** Validation: declared categories exist, and every step that receives personal data says why, by what law. */
export function checkPersonalData(def: ProcessDefinition, add: (path: string, message: string) => void) {
  const known = Object.keys(PERSONAL_CATEGORIES);
  const check = (declared: unknown, path: string) => {
    if (declared === undefined) return;
    if (!Array.isArray(declared) || declared.some((c) => !known.includes(c)))
      add(path, `must list categories of personal data (${known.join(', ')})`);
  };
  for (const [name, property] of Object.entries(def.form.properties))
    check(property['x-personal'], `form.properties.${name}.x-personal`);
  def.steps.forEach((step, i) => {
    for (const [j, o] of (step.outputs ?? []).entries())
      check(o.personal, `steps[${i}].outputs[${j}].personal`);
    const personal = [
      ...(step.fields ?? []).filter((f) => fieldCategories(def.form, f).length > 0),
      ...(step.inputs ?? []).filter((o) => outputCategories(def, o).length > 0),
    ];
    const { use, legalBasis } = step.purpose ?? {};
    const blank = (s: unknown) => typeof s !== 'string' || s.trim() === '';
    if (personal.length > 0 && (blank(use) || blank(legalBasis)))
      add(
        `steps[${i}].purpose`,
        `step '${step.id}' receives personal data (${personal.join(', ')}) and must declare the purpose ` +
          'of its use and its legal basis ({"use": …, "legalBasis": …})',
      );
  });
}
