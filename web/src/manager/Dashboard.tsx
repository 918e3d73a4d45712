// The manager's overview: this month's figures from the SLA report (counted by the database over every
// case, not over a page of them), the overdue list, open incidents (with a retry once the department's
// system is back).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { chinaDay, dateTime } from '../shared/time.ts';
import type { CaseSummary, Incident } from '../shared/types.ts';
import { CaseStatusTag } from '../staff/components/Tags.tsx';
import { keys, useDepartmentNames, useProcesses } from '../staff/queries.ts';

const OUTCOMES = ['completed', 'partiallyCompleted', 'denied', 'withdrawn', 'terminated'] as const;
const OVERDUE_SHOWN = 100;

interface MonthFigures {
  cases: {
    opened: number;
    closed: Record<(typeof OUTCOMES)[number] | 'total', number>;
    promiseKeptPercent: number | null;
  };
}

/** The China day of `date`, and the first day of its month: the report's range. */
function thisMonth(date = new Date()): { from: string; to: string } {
  const to = chinaDay(date);
  return { from: `${to.slice(0, 8)}01`, to };
}

export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const queryClient = useQueryClient();
  const departmentName = useDepartmentNames();
  const { data: processes } = useProcesses();
  const { from, to } = thisMonth();
  const month = useQuery({
    queryKey: ['reports', 'sla', from, to],
    queryFn: () => get<MonthFigures>(`/api/reports/sla?from=${from}&to=${to}`),
    refetchInterval: 15_000,
  });
  const recent = useQuery({
    queryKey: keys.cases('limit=10'),
    queryFn: () => get<CaseSummary[]>('/api/cases?limit=10'),
    refetchInterval: 15_000,
  });
  const overdue = useQuery({
    queryKey: keys.cases(`overdue=true&limit=${OVERDUE_SHOWN}`),
    queryFn: () => get<CaseSummary[]>(`/api/cases?overdue=true&limit=${OVERDUE_SHOWN}`),
    refetchInterval: 15_000,
  });
  const incidents = useQuery({
    queryKey: ['incidents'],
    queryFn: () => get<Incident[]>('/api/incidents'),
    refetchInterval: 15_000,
  });
  const [retryMessage, setRetryMessage] = useState<string | null>(null);
  const figures = month.data?.cases;
  const overdueCount = overdue.data?.length ?? 0;
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
      {month.error && (
        <Alert type="error" showIcon title={t('error.load')} description={month.error.message} />
      )}
      <section aria-labelledby="by-status">
        <h3 id="by-status" className="section-title">
          {t('dashboard.byStatus')}
        </h3>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6} xl={4}>
            <Card>
              <Statistic
                title={t('dashboard.overdue')}
                value={overdueCount >= OVERDUE_SHOWN ? `${OVERDUE_SHOWN}+` : overdueCount}
                className="stat-bad"
              />
            </Card>
          </Col>
          <Col xs={12} md={6} xl={4}>
            <Card>
              <Statistic title={t('dashboard.opened')} value={figures?.opened ?? '–'} />
            </Card>
          </Col>
          {OUTCOMES.map((o) => (
            <Col key={o} xs={12} md={6} xl={4}>
              <Card>
                <Statistic title={t(`dashboard.closed.${o}`)} value={figures?.closed[o] ?? '–'} />
              </Card>
            </Col>
          ))}
          <Col xs={12} md={6} xl={4}>
            <Card>
              <Statistic
                title={t('dashboard.promiseKept')}
                value={figures?.promiseKeptPercent ?? '–'}
                suffix={figures?.promiseKeptPercent != null ? '%' : undefined}
              />
            </Card>
          </Col>
        </Row>
        <p className="small muted">{t('dashboard.window', { from, to })}</p>
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
          loading={recent.isLoading}
          dataSource={recent.data ?? []}
          columns={caseColumns}
          pagination={false}
        />
      </Card>
    </div>
  );
}
