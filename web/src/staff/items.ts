import { localTitle } from '../shared/bilingual.ts';
import type { ProcessDefinition } from '../shared/types.ts';
import { fieldTitle } from './glossary.ts';

/** A supplement item names a material or a form field: its title in the current language. */
export function itemLabel(definition: ProcessDefinition, lang: string) {
  return (item: string) => {
    const material = definition.materials.find((m) => m.id === item);
    if (material) return localTitle(material.title, lang);
    const field = definition.form.properties[item] as { title?: string } | undefined;
    return field ? localTitle(fieldTitle(definition.id, item, field.title), lang) : item;
  };
}
