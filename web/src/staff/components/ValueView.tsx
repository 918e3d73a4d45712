// An application value as people read it: enum codes labelled, lists joined, nested objects as lists.
import { localTitle } from '../../shared/bilingual.ts';
import { enumLabel, fieldTitle } from '../glossary.ts';

export function ValueView({
  value,
  schema,
  processId,
  path,
  lang,
}: {
  value: unknown;
  schema: Record<string, unknown> | undefined;
  processId: string;
  path: string;
  lang: string;
}) {
  if (value === undefined || value === null || value === '') return <span>—</span>;
  if (Array.isArray(value)) {
    const items = schema?.items as Record<string, unknown> | undefined;
    if (value.every((v) => typeof v !== 'object')) {
      return (
        <span>{value.map((v) => (items?.enum ? localTitle(enumLabel(v), lang) : String(v))).join('、')}</span>
      );
    }
    return (
      <ol className="value-list">
        {value.map((v, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: list items have no identity of their own
          <li key={i}>
            <ValueView value={v} schema={items} processId={processId} path={`${path}[]`} lang={lang} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') {
    const properties = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
    return (
      <dl className="value-object">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <div key={k}>
            <dt>{localTitle(fieldTitle(processId, `${path}.${k}`, properties[k]?.title as string), lang)}</dt>
            <dd>
              <ValueView
                value={v}
                schema={properties[k]}
                processId={processId}
                path={`${path}.${k}`}
                lang={lang}
              />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  if (typeof value === 'boolean') return <span>{value ? '✓' : '✗'}</span>;
  if (schema?.enum) return <span>{localTitle(enumLabel(value), lang)}</span>;
  return <span>{String(value)}</span>;
}
