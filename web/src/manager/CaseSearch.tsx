// Case search by case number (prefix), status and overdue: no personal data in the list.
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { get } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { CaseSummary } from '../shared/types.ts';
import { CaseStatusTag } from '../staff/components/Tags.tsx';
import { keys, useProcesses } from '../staff/queries.ts';

const STATUSES = ['running', 'completed', 'partially_completed', 'denied', 'withdrawn', 'terminated'];

export default function CaseSearch() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [caseNo, setCaseNo] = useState(params.get('caseNo') ?? '');
  const { data: processes } = useProcesses();
  const query = new URLSearchParams({ limit: '100' });
  for (const k of ['caseNo', 'status', 'overdue']) {
    const v = params.get(k);
    if (v) query.set(k, v);
  }
  const { data, error, isFetching } = useQuery({
    queryKey: keys.cases(query.toString()),
    queryFn: () => get<CaseSummary[]>(`/api/cases?${query}`),
  });
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };
  return (
    <div>
      <Typography.Title level={2}>{t('search.title')}</Typography.Title>
      <Form layout="inline" onFinish={() => set('caseNo', caseNo.trim() || undefined)} role="search">
        <Form.Item label={t('search.caseNo')} htmlFor="search-case-no">
          <Input
            id="search-case-no"
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
            placeholder="YJS-20261128-"
            allowClear
          />
        </Form.Item>
        <Form.Item label={t('case.status')} htmlFor="search-status">
          <Select
            id="search-status"
            allowClear
            className="select-medium"
            value={params.get('status') ?? undefined}
            onChange={(v) => set('status', v)}
            placeholder={t('clerkCases.all')}
            options={STATUSES.map((s) => ({ value: s, label: t(`caseStatus.${s}`) }))}
          />
        </Form.Item>
        <Form.Item>
          <Checkbox
            checked={params.get('overdue') === 'true'}
            onChange={(e) => set('overdue', e.target.checked ? 'true' : undefined)}
          >
            {t('search.overdueOnly')}
          </Checkbox>
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('search.submit')}
          </Button>
        </Space>
      </Form>
      {error && (
        <Alert
          className="block-gap"
          type="error"
          showIcon
          title={t('error.load')}
          description={error.message}
        />
      )}
      <Table
        className="block-gap"
        rowKey="id"
        loading={isFetching}
        dataSource={data ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('case.caseNo'),
            dataIndex: 'caseNo',
            render: (no: string, r) => <Link to={`/manager/cases/${r.id}`}>{no}</Link>,
          },
          {
            title: t('case.process'),
            dataIndex: 'processId',
            render: (id: string) =>
              localTitle(processes?.find((p) => p.id === id)?.title ?? id, i18n.language),
          },
          {
            title: t('case.status'),
            dataIndex: 'status',
            render: (s: string) => <CaseStatusTag status={s} />,
          },
          { title: t('case.submittedAt'), dataIndex: 'submittedAt', render: dateTime },
          { title: t('case.closedAt'), dataIndex: 'closedAt', render: dateTime },
        ]}
      />
    </div>
  );
}
