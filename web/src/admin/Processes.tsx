// Process versions: each definition's steps as a diagram, and a new version published from JSON with
// every problem the server finds listed at once.
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { Defects } from '../staff/components/Defects.tsx';
import { keys, useDefinition, useProcesses } from '../staff/queries.ts';
import { Dag } from './Dag.tsx';

export default function Processes() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const { data: processes } = useProcesses();
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const id = selected ?? processes?.[0]?.id;
  const { data: definition } = useDefinition(id);
  const [json, setJson] = useState('');
  const [problems, setProblems] = useState<{ key: string; label: string; message: string }[]>([]);
  const [result, setResult] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (!definition) return;
    const { versions: _versions, ...rest } = definition;
    setJson(
      JSON.stringify(
        { ...rest, version: Math.max(...(definition.versions ?? [definition.version])) + 1 },
        null,
        2,
      ),
    );
    setProblems([]);
    setResult(null);
  }, [definition]);

  const publish = async () => {
    setProblems([]);
    setResult(null);
    let body: unknown;
    try {
      body = JSON.parse(json);
    } catch (e) {
      setResult({ type: 'error', text: t('processes.badJson', { message: (e as Error).message }) });
      return;
    }
    try {
      const answer = await post<{ id: string; version: number }>('/api/processes', body);
      setResult({ type: 'success', text: t('processes.published', answer) });
      await queryClient.invalidateQueries({ queryKey: keys.processes });
      await queryClient.invalidateQueries({ queryKey: keys.definition(answer.id) });
    } catch (e) {
      if (!(e instanceof ApiError)) return setResult({ type: 'error', text: t('error.network') });
      const list = (e.problem.errors ?? []).map((x, i) => ({
        key: String(i),
        label: x.field ?? x.path ?? '',
        message: x.message,
      }));
      if (list.length > 0) setProblems(list);
      else setResult({ type: 'error', text: e.problem.detail || e.problem.title });
    }
  };

  return (
    <div>
      <Typography.Title level={2}>{t('processes.title')}</Typography.Title>
      <span className="inline-label">
        <label htmlFor="process-choice">{t('processes.choose')}</label>
        <Select
          id="process-choice"
          className="select-wide"
          value={id}
          onChange={setSelected}
          options={(processes ?? []).map((p) => ({
            value: p.id,
            label: `${localTitle(p.title, lang)} (v${p.version})`,
          }))}
        />
      </span>
      {definition && (
        <>
          <Card
            className="block-gap"
            title={<h3 className="card-title">{t('processes.diagram', { version: definition.version })}</h3>}
          >
            <p className="small">
              {t('processes.versions', {
                versions: (definition.versions ?? [definition.version]).join(', '),
              })}
            </p>
            <div className="dag-scroll">
              <Dag definition={definition} />
            </div>
          </Card>
          <Card className="block-gap" title={<h3 className="card-title">{t('processes.publishTitle')}</h3>}>
            <Typography.Paragraph>{t('processes.publishIntro')}</Typography.Paragraph>
            <label className="block-label" htmlFor="definition-json">
              {t('processes.json')}
            </label>
            <Input.TextArea
              id="definition-json"
              className="code"
              rows={18}
              value={json}
              onChange={(e) => setJson(e.target.value)}
              spellCheck={false}
            />
            <Defects defects={problems} title={t('processes.problems', { count: problems.length })} />
            {result && (
              <Alert className="block-gap" type={result.type} showIcon title={result.text} role="status" />
            )}
            <Space className="block-gap">
              <Button type="primary" onClick={() => void publish()}>
                {t('processes.publish')}
              </Button>
            </Space>
          </Card>
        </>
      )}
    </div>
  );
}
