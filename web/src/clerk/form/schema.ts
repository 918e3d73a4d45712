// The combined form as the clerk sees it: the definition's JSON Schema with titles in the current
// language, enum values labelled, long texts as text areas, lists of choices as check boxes. Validation
// keeps using the schema's own rules, so what the browser checks is what the server checks.
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { localTitle } from '../../shared/bilingual.ts';
import { enumLabel, fieldTitle } from '../../staff/glossary.ts';

type Node = Record<string, unknown>;

function localise(node: Node, processId: string, path: string, lang: string): { schema: Node; ui: UiSchema } {
  const schema: Node = { ...node };
  const ui: UiSchema = {};
  if (path) schema.title = localTitle(fieldTitle(processId, path, node.title as string | undefined), lang);
  if (Array.isArray(node.enum)) {
    ui['ui:enumNames'] = node.enum.map((v) => localTitle(enumLabel(v), lang));
  }
  if (node.type === 'string' && typeof node.maxLength === 'number' && node.maxLength > 200 && !node.enum) {
    ui['ui:widget'] = 'textarea';
    ui['ui:options'] = { rows: 3 };
  }
  const properties = node.properties as Record<string, Node> | undefined;
  if (properties) {
    // Stored definitions lose their key order (Postgres jsonb sorts keys): required fields first, in the
    // order the definition lists them, then the rest.
    const required = ((node.required as string[] | undefined) ?? []).filter((k) => k in properties);
    ui['ui:order'] = [...required, ...Object.keys(properties).filter((k) => !required.includes(k)), '*'];
    schema.properties = {};
    for (const [name, child] of Object.entries(properties)) {
      const inner = localise(child, processId, path ? `${path}.${name}` : name, lang);
      (schema.properties as Record<string, Node>)[name] = inner.schema;
      if (Object.keys(inner.ui).length > 0) ui[name] = inner.ui;
    }
  }
  const items = node.items as Node | undefined;
  if (items && !Array.isArray(items)) {
    if (Array.isArray(items.enum) && node.uniqueItems) {
      schema.items = { ...items };
      ui['ui:widget'] = 'checkboxes';
      ui.items = { 'ui:enumNames': items.enum.map((v) => localTitle(enumLabel(v), lang)) };
      ui['ui:enumNames'] = items.enum.map((v) => localTitle(enumLabel(v), lang));
    } else {
      const inner = localise(items, processId, `${path}[]`, lang);
      schema.items = inner.schema;
      if (Object.keys(inner.ui).length > 0) ui.items = inner.ui;
    }
  }
  return { schema, ui };
}

/**
 * The top-level order: fields in the order the steps use them (the first step's first), so each
 * department's part reads together, then required fields no step names, then the rest.
 */
function topOrder(form: Node, steps: { fields: string[] }[]): string[] {
  const properties = Object.keys((form.properties as Record<string, Node>) ?? {});
  const order: string[] = [];
  const add = (k: string) => {
    if (properties.includes(k) && !order.includes(k)) order.push(k);
  };
  for (const s of steps) s.fields.forEach(add);
  ((form.required as string[] | undefined) ?? []).forEach(add);
  properties.forEach(add);
  return [...order, '*'];
}

export function formFor(
  form: Record<string, unknown>,
  processId: string,
  lang: string,
  steps: { fields: string[] }[] = [],
): { schema: RJSFSchema; uiSchema: UiSchema } {
  const { schema, ui } = localise(form, processId, '', lang);
  ui['ui:order'] = topOrder(form, steps);
  delete schema.title;
  return {
    schema: schema as RJSFSchema,
    uiSchema: { ...ui, 'ui:submitButtonOptions': { norender: true } },
  };
}

/** The localised title of a dotted field path ("legalRepresentative.idNumber"), for defect lists. */
export function pathTitle(
  form: Record<string, unknown>,
  processId: string,
  path: string,
  lang: string,
): string {
  const names = path.split('.').filter(Boolean);
  const titles: string[] = [];
  let node: Node | undefined = form;
  let at = '';
  for (const name of names) {
    const properties = node?.properties as Record<string, Node> | undefined;
    const items = node?.items as Node | undefined;
    if (/^\d+$/.test(name) && items) {
      titles[titles.length - 1] = `${titles.at(-1)} #${Number(name) + 1}`;
      node = items;
      continue;
    }
    at = at ? `${at}.${name}` : name;
    node = properties?.[name];
    titles.push(localTitle(fieldTitle(processId, at, node?.title as string | undefined), lang));
  }
  return titles.join(' / ');
}
