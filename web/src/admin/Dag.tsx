// A definition's steps as a diagram: layered by dependency (a step sits one layer right of the latest
// step it depends on), edges from each dependency. A list below says the same in text.
import { useTranslation } from 'react-i18next';
import { localTitle } from '../shared/bilingual.ts';
import type { ProcessDefinition } from '../shared/types.ts';

const W = 200;
const H = 56;
const GAP_X = 70;
const GAP_Y = 22;

export function layers(definition: ProcessDefinition): Map<string, number> {
  const layer = new Map<string, number>();
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const visit = (id: string, seen: Set<string>): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle: the validator reports it; draw it flat
    seen.add(id);
    const deps = byId.get(id)?.dependsOn.filter((d) => byId.has(d)) ?? [];
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => visit(d, seen)));
    layer.set(id, value);
    return value;
  };
  for (const s of definition.steps) visit(s.id, new Set());
  return layer;
}

export function Dag({ definition }: { definition: ProcessDefinition }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const layer = layers(definition);
  const columns: string[][] = [];
  for (const s of definition.steps) {
    const col = layer.get(s.id) ?? 0;
    columns[col] = [...(columns[col] ?? []), s.id];
  }
  const pos = new Map<string, { x: number; y: number }>();
  const tallest = Math.max(...columns.map((c) => c.length), 1);
  const height = tallest * (H + GAP_Y) + GAP_Y;
  columns.forEach((ids, col) => {
    const offset = (height - ids.length * (H + GAP_Y) + GAP_Y) / 2;
    ids.forEach((id, row) => {
      pos.set(id, { x: GAP_Y + col * (W + GAP_X), y: offset + row * (H + GAP_Y) });
    });
  });
  const width = columns.length * (W + GAP_X) - GAP_X + 2 * GAP_Y;
  const departments = new Map(definition.departments.map((d) => [d.code, d.name]));
  return (
    <figure className="dag">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={t('processes.dagLabel', { title: localTitle(definition.title, lang) })}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#434343" />
          </marker>
        </defs>
        {definition.steps.flatMap((s) =>
          s.dependsOn
            .filter((d) => pos.has(d))
            .map((d) => {
              const a = pos.get(d)!;
              const b = pos.get(s.id)!;
              const x1 = a.x + W;
              const y1 = a.y + H / 2;
              const x2 = b.x;
              const y2 = b.y + H / 2;
              const mid = (x1 + x2) / 2;
              return (
                <path
                  key={`${d}->${s.id}`}
                  d={`M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 2} ${y2}`}
                  fill="none"
                  stroke="#434343"
                  strokeWidth="1.5"
                  markerEnd="url(#arrow)"
                />
              );
            }),
        )}
        {definition.steps.map((s) => {
          const p = pos.get(s.id)!;
          return (
            <g key={s.id} transform={`translate(${p.x} ${p.y})`}>
              <rect
                width={W}
                height={H}
                rx="6"
                fill={s.condition ? '#fffbe6' : '#e6f4ff'}
                stroke={s.condition ? '#ad5700' : '#0050b3'}
                strokeDasharray={s.condition ? '5 3' : undefined}
              />
              <text x="10" y="22" fontSize="13" fill="#141414">
                {localTitle(s.title, lang).slice(0, 16)}
              </text>
              <text x="10" y="42" fontSize="11" fill="#434343">
                {localTitle(departments.get(s.department) ?? s.department, lang).slice(0, 20)}
                {s.adapter === 'auto' ? ` · ${t('processes.auto')}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="small muted">{t('processes.legend')}</figcaption>
      <ul className="small">
        {definition.steps.map((s) => (
          <li key={s.id}>
            {localTitle(s.title, lang)}
            {s.dependsOn.length > 0
              ? ` ← ${s.dependsOn.map((d) => localTitle(definition.steps.find((x) => x.id === d)?.title ?? d, lang)).join('、')}`
              : ''}
            {s.condition ? ` (${t('processes.conditional')})` : ''}
          </li>
        ))}
      </ul>
    </figure>
  );
}
