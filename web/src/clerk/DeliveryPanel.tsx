// 统一出件: every result of the closed case in one record, handed over once (window, post, electronic).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Input, Radio, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { Delivery, ProcessDefinition } from '../shared/types.ts';
import { outputTitle } from '../staff/glossary.ts';
import { keys } from '../staff/queries.ts';

export function DeliveryPanel({ caseId, definition }: { caseId: string; definition: ProcessDefinition }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const { data, error } = useQuery({
    queryKey: keys.delivery(caseId),
    queryFn: () => get<Delivery>(`/api/cases/${caseId}/delivery`),
  });
  const [method, setMethod] = useState<'window' | 'post' | 'electronic'>('window');
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  if (error) return <Alert className="block-gap" type="error" showIcon title={error.message} />;
  if (!data) return null;
  const specs = definition.steps.flatMap((s) => s.outputs.map((o) => ({ ...o, stepId: s.id })));
  const stepTitle = (id: string) => localTitle(definition.steps.find((s) => s.id === id)?.title ?? id, lang);
  const rows = Object.entries(data.results).map(([name, r]) => ({
    name,
    title: localTitle(outputTitle(name, specs.find((s) => s.name === name)?.title), lang),
    value: String(r.value),
    step: stepTitle(r.stepId),
    at: dateTime(r.at),
  }));

  const handOver = async () => {
    try {
      await post(`/api/cases/${caseId}/delivery`, { method, ...(note.trim() ? { note: note.trim() } : {}) });
      setFailure(null);
      await queryClient.invalidateQueries({ queryKey: keys.delivery(caseId) });
    } catch (e) {
      setFailure(e instanceof ApiError ? e.problem.detail : t('error.network'));
    }
  };

  return (
    <Card title={<h3 className="card-title">{t('delivery.title')}</h3>} className="block-gap">
      <p>
        {t('delivery.outcome')}
        {t('common.colon')}
        {t(`caseStatus.${data.outcome}`, data.outcome)} ·{' '}
        {t('delivery.readyAt', { at: dateTime(data.readyAt) })}
      </p>
      <Table
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('delivery.result'), dataIndex: 'title' },
          { title: t('delivery.value'), dataIndex: 'value' },
          { title: t('delivery.from'), dataIndex: 'step' },
          { title: t('delivery.at'), dataIndex: 'at' },
        ]}
      />
      {data.handedOverAt ? (
        <Descriptions
          className="block-gap"
          bordered
          size="small"
          column={1}
          title={t('delivery.record')}
          items={[
            { key: 'm', label: t('delivery.method'), children: t(`delivery.methods.${data.method}`) },
            { key: 'a', label: t('delivery.handedOverAt'), children: dateTime(data.handedOverAt) },
            { key: 'n', label: t('delivery.note'), children: data.note ?? '—' },
          ]}
        />
      ) : (
        <div className="block-gap">
          <fieldset className="plain-fieldset">
            <legend>{t('delivery.method')}</legend>
            <Radio.Group
              value={method}
              onChange={(e) => setMethod(e.target.value)}
              options={(['window', 'post', 'electronic'] as const).map((m) => ({
                value: m,
                label: t(`delivery.methods.${m}`),
              }))}
            />
          </fieldset>
          <label className="block-label" htmlFor="delivery-note">
            {t('delivery.note')}
          </label>
          <Input id="delivery-note" value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
          {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
          <Button className="block-gap" type="primary" onClick={() => void handOver()}>
            {t('delivery.submit')}
          </Button>
        </div>
      )}
    </Card>
  );
}
