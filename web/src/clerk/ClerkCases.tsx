// The clerk's cases, newest first: open one to deliver its results, withdraw it or reprint its receipt.
import { useQuery } from '@tanstack/react-query';
import { Alert, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { CaseSummary } from '../shared/types.ts';
import { CaseStatusTag } from '../staff/components/Tags.tsx';
import { keys, useProcesses } from '../staff/queries.ts';

const STATUSES = ['running', 'completed', 'partially_completed', 'denied', 'withdrawn', 'terminated'];

export default function ClerkCases() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<string | undefined>(undefined);
  const query = `limit=100${status ? `&status=${status}` : ''}`;
  const { data, error, isLoading } = useQuery({
    queryKey: keys.cases(query),
    queryFn: () => get<CaseSummary[]>(`/api/cases?${query}`),
  });
  const { data: processes } = useProcesses();
  const title = (id: string) => localTitle(processes?.find((p) => p.id === id)?.title ?? id, i18n.language);
  return (
    <div>
      <Typography.Title level={2}>{t('clerkCases.title')}</Typography.Title>
      <span className="inline-label">
        <label htmlFor="clerk-status">{t('clerkCases.status')}</label>
        <Select
          id="clerk-status"
          allowClear
          className="select-medium"
          value={status}
          onChange={setStatus}
          placeholder={t('clerkCases.all')}
          options={STATUSES.map((s) => ({ value: s, label: t(`caseStatus.${s}`) }))}
        />
      </span>
      {error && <Alert type="error" showIcon title={t('error.load')} description={error.message} />}
      <Table
        className="block-gap"
        rowKey="id"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('case.caseNo'),
            dataIndex: 'caseNo',
            render: (no: string, row) => <Link to={`/clerk/cases/${row.id}`}>{no}</Link>,
          },
          { title: t('case.process'), dataIndex: 'processId', render: title },
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
