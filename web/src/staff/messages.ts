// The API and the form validator word their defects in English ("must match pattern …", "is required by
// step 'registration' (a core material)"). The clerk reads them in the current language: known wordings
// are translated, anything else is shown as sent.
import type { TFunction } from 'i18next';

type Rule = [RegExp, (m: RegExpExecArray, t: TFunction, stepName: (id: string) => string) => string];

const RULES: Rule[] = [
  [/^is required$|^must have required property/, (_m, t) => t('defect.required')],
  [/^must match pattern|^does not match the required format/, (_m, t) => t('defect.pattern')],
  [/^must NOT have fewer than (\d+) characters?$/, (m, t) => t('defect.minLength', { n: m[1] })],
  [/^must NOT have more than (\d+) characters?$/, (m, t) => t('defect.maxLength', { n: m[1] })],
  [/^must NOT have fewer than (\d+) items?$/, (m, t) => t('defect.minItems', { n: m[1] })],
  [/^must be >= (\S+)$/, (m, t) => t('defect.minimum', { n: m[1] })],
  [/^must be <= (\S+)$/, (m, t) => t('defect.maximum', { n: m[1] })],
  [/^must be > (\S+)$/, (m, t) => t('defect.exclusiveMinimum', { n: m[1] })],
  [/^must be < (\S+)$/, (m, t) => t('defect.exclusiveMaximum', { n: m[1] })],
  [/^must be (integer|number|string|boolean|object|array)$/, (m, t) => t(`defect.type.${m[1]}`)],
  [/^must be a number$/, (_m, t) => t('defect.type.number')],
  [/^must be a non-empty string$/, (_m, t) => t('defect.required')],
  [/^must be true or false$/, (_m, t) => t('defect.type.boolean')],
  [/^must be equal to one of the allowed values|^must be equal to constant/, (_m, t) => t('defect.enum')],
  [/^must match format "date"$|^must be a date/, (_m, t) => t('defect.date')],
  [/^must match format/, (_m, t) => t('defect.format')],
  [/^must NOT have duplicate items/, (_m, t) => t('defect.unique')],
  [/^is not a field of this form$/, (_m, t) => t('defect.notAField')],
  [
    /^is required by step '([^']+)' \(a core material\)$/,
    (m, t, s) => t('defect.coreMaterial', { step: s(m[1]!) }),
  ],
  [/^is required by step '([^']+)', or accept/, (m, t, s) => t('defect.material', { step: s(m[1]!) })],
  [/^is not an upload of yours$/, (_m, t) => t('defect.notYourUpload')],
  [/^is not a material of this process$/, (_m, t) => t('defect.notAMaterial')],
  [/^must be in the future$/, (_m, t) => t('defect.future')],
  [/^may be at most (\d+) days away$/, (m, t) => t('defect.tooFar', { n: m[1] })],
  [/is a core material: it cannot wait$/, (_m, t) => t('defect.coreCannotWait')],
  [/is attached already$/, (_m, t) => t('defect.attachedAlready')],
  [/^a written opinion is required$/, (_m, t) => t('defect.opinion')],
  [/^list everything missing or wrong/, (_m, t) => t('defect.items')],
];

export function translateDefect(
  message: string,
  t: TFunction,
  stepName: (id: string) => string = (id) => id,
) {
  for (const [pattern, render] of RULES) {
    const m = pattern.exec(message);
    if (m) return render(m, t, stepName);
  }
  return message;
}
