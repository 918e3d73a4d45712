// Incidents of the department's own system: steps the engine could not hand over to it.
import { useQuery } from '@tanstack/react-query';
import { Alert, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError, get } from '../shared/api.ts';
import { dateTime } from '../shared/time.ts';
import type { Incident } from '../shared/types.ts';
import { useUser } from '../staff/session.tsx';

export default function DepartmentIncidents() {
  const { t } = useTranslation();
  const user = useUser();
  const { data, error, isLoading } = useQuery({
    queryKey: ['incidents'],
    queryFn: () => get<Incident[]>('/api/incidents'),
    refetchInterval: 30_000,
  });
  const own = (data ?? []).filter((i) => i.department === user.department);
  return (
    <div>
      <Typography.Title level={2}>{t('incidents.title')}</Typography.Title>
      <Typography.Paragraph>{t('incidents.introDepartment')}</Typography.Paragraph>
      {error && (
        <Alert
          type={error instanceof ApiError && error.status === 403 ? 'info' : 'error'}
          showIcon
          title={
            error instanceof ApiError && error.status === 403 ? t('incidents.notAllowed') : error.message
          }
        />
      )}
      <Table
        rowKey={(r) => `${r.caseId}:${r.stepId}:${r.round}`}
        loading={isLoading}
        dataSource={own}
        pagination={false}
        locale={{ emptyText: t('incidents.none') }}
        columns={[
          { title: t('case.caseNo'), dataIndex: 'caseNo' },
          { title: t('case.step'), dataIndex: 'stepId' },
          { title: t('incidents.attempts'), dataIndex: 'attempts' },
          { title: t('incidents.lastError'), dataIndex: 'lastError' },
          { title: t('incidents.lastAt'), dataIndex: 'lastAt', render: dateTime },
          {
            title: t('incidents.retrying'),
            dataIndex: 'retrying',
            render: (r: boolean) => (r ? t('incidents.yes') : t('incidents.stopped')),
          },
        ]}
      />
    </div>
  );
}
