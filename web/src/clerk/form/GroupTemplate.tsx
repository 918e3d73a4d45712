// Objects of the combined form as groups: the root is the form itself, every nested object (the legal
// representative, the bank) a fieldset whose legend is its title, so the clerk sees the form in parts.
import type { ObjectFieldTemplateProps } from '@rjsf/utils';

export function GroupTemplate({ title, properties, fieldPathId, required }: ObjectFieldTemplateProps) {
  const content = properties.filter((p) => !p.hidden).map((p) => <div key={p.name}>{p.content}</div>);
  if (fieldPathId.path.length === 0) return <div className="form-root">{content}</div>;
  return (
    <fieldset className="form-group">
      <legend>
        {required ? <span className="required-mark">* </span> : null}
        {title}
      </legend>
      {content}
    </fieldset>
  );
}
