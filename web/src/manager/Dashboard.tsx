// The manager's overview over the existing API: cases by status, the overdue list, open incidents (with
// a retry once the department's system is back).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { CaseSummary, Incident } from '../shared/types.ts';
import { CaseStatusTag } from '../staff/components/Tags.tsx';
import { keys, useDepartmentNames, useProcesses } from '../staff/queries.ts';

const STATUSES = ['running', 'completed', 'partially_completed', 'denied', 'withdrawn', 'terminated'];

export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const departmentName = useDepartmentNames();
  const { data: processes } = useProcesses();
  const all = useQuery({
    queryKey: keys.cases('limit=500'),
    queryFn: () => get<CaseSummary[]>('/api/cases?limit=500'),
    refetchInterval: 15_000,
  });
  const overdue = useQuery({
    queryKey: keys.cases('overdue=true&limit=100'),
    queryFn: () => get<CaseSummary[]>('/api/cases?overdue=true&limit=100'),
    refetchInterval: 15_000,
  });
  const incidents = useQuery({
    queryKey: ['incidents'],
    queryFn: () => get<Incident[]>('/api/incidents'),
    refetchInterval: 15_000,
  });
  const [retryMessage, setRetryMessage] = useState<string | null>(null);
  const count = (status: string) => (all.data ?? []).filter((c) => c.status === status).length;
  const processTitle = (id: string) => localTitle(processes?.find((p) => p.id === id)?.title ?? id, lang);

  const redispatch = async (i: Incident) => {
    try {
      await post(`/api/cases/${i.caseId}/steps/${i.stepId}/redispatch`, {});
      setRetryMessage(t('incidents.retried', { caseNo: i.caseNo }));
      await queryClient.invalidateQueries({ queryKey: ['incidents'] });
    } catch (e) {
      setRetryMessage(e instanceof ApiError ? e.problem.detail : t('error.network'));
    }
  };

  const caseColumns = [
    {
      title: t('case.caseNo'),
      dataIndex: 'caseNo',
      render: (no: string, r: CaseSummary) => <Link to={`/manager/cases/${r.id}`}>{no}</Link>,
    },
    { title: t('case.process'), dataIndex: 'processId', render: processTitle },
    { title: t('case.status'), dataIndex: 'status', render: (s: string) => <CaseStatusTag status={s} /> },
    { title: t('case.submittedAt'), dataIndex: 'submittedAt', render: dateTime },
  ];

  return (
    <div>
      <Typography.Title level={2}>{t('dashboard.title')}</Typography.Title>
      {all.error && <Alert type="error" showIcon title={t('error.load')} description={all.error.message} />}
      <section aria-labelledby="by-status">
        <h3 id="by-status" className="section-title">
          {t('dashboard.byStatus')}
        </h3>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6} xl={4}>
            <Card>
              <Statistic
                title={t('dashboard.overdue')}
                value={overdue.data?.length ?? 0}
                className="stat-bad"
              />
            </Card>
          </Col>
          {STATUSES.map((s) => (
            <Col key={s} xs={12} md={6} xl={4}>
              <Card>
                <Statistic title={t(`caseStatus.${s}`)} value={count(s)} />
              </Card>
            </Col>
          ))}
        </Row>
        <p className="small muted">{t('dashboard.window', { count: all.data?.length ?? 0 })}</p>
      </section>
      <Card className="block-gap" title={<h3 className="card-title">{t('dashboard.overdueList')}</h3>}>
        <Table
          rowKey="id"
          size="small"
          loading={overdue.isLoading}
          dataSource={overdue.data ?? []}
          columns={caseColumns}
          pagination={{ pageSize: 10 }}
          locale={{ emptyText: t('dashboard.noOverdue') }}
        />
      </Card>
      <Card className="block-gap" title={<h3 className="card-title">{t('incidents.title')}</h3>}>
        {retryMessage && (
          <Alert className="block-gap" type="info" showIcon title={retryMessage} role="status" />
        )}
        <Table
          rowKey={(r) => `${r.caseId}:${r.stepId}:${r.round}`}
          size="small"
          loading={incidents.isLoading}
          dataSource={incidents.data ?? []}
          pagination={false}
          locale={{ emptyText: t('incidents.none') }}
          columns={[
            {
              title: t('case.caseNo'),
              dataIndex: 'caseNo',
              render: (no: string, r: Incident) => <Link to={`/manager/cases/${r.caseId}`}>{no}</Link>,
            },
            { title: t('case.step'), dataIndex: 'stepId' },
            {
              title: t('case.department'),
              dataIndex: 'department',
              render: (d: string) => localTitle(departmentName(d), lang),
            },
            { title: t('incidents.attempts'), dataIndex: 'attempts' },
            { title: t('incidents.lastError'), dataIndex: 'lastError' },
            { title: t('incidents.lastAt'), dataIndex: 'lastAt', render: dateTime },
            {
              title: t('incidents.action'),
              render: (_: unknown, r: Incident) =>
                r.retrying ? (
                  t('incidents.yes')
                ) : (
                  <Button size="small" onClick={() => void redispatch(r)}>
                    {t('incidents.redispatch')}
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Card className="block-gap" title={<h3 className="card-title">{t('dashboard.recent')}</h3>}>
        <Table
          rowKey="id"
          size="small"
          dataSource={(all.data ?? []).slice(0, 10)}
          columns={caseColumns}
          pagination={false}
        />
      </Card>
    </div>
  );
}
