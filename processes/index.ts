// The built-in catalog: every definition is validated when the catalog loads, so a broken definition stops
// start-up with its problems listed instead of failing a case later.
import type { ProcessDefinition } from '../process/definition.ts';
import { validateDefinition } from '../process/validate.ts';
import { afterDeath } from './after-death.ts';
import { companyStartup } from './company-startup.ts';
import { isKnownDepartment } from './departments.ts';
import { homeTransfer } from './home-transfer.ts';
import { newborn } from './newborn.ts';
import { restaurant } from './restaurant.ts';
import { retirement } from './retirement.ts';

/** The six real processes of domain.md, in its order. */
export const CATALOG: readonly ProcessDefinition[] = [
  companyStartup,
  newborn,
  restaurant,
  homeTransfer,
  retirement,
  afterDeath,
];

export function loadCatalog(definitions: readonly ProcessDefinition[] = CATALOG): ProcessDefinition[] {
  const problems = definitions.flatMap((def) => [
    ...validateDefinition(def).map((p) => `${def.id}: ${p.path}: ${p.message}`),
    ...(Array.isArray(def.departments) ? def.departments : [])
      .filter((d) => !isKnownDepartment(d.code))
      .map((d) => `${def.id}: departments: ${d.code} is not in the department registry`),
  ]);
  if (problems.length > 0) throw new Error(`The process catalog is invalid:\n${problems.join('\n')}`);
  return [...definitions];
}
