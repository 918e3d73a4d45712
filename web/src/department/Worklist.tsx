// The department's worklist, most urgent first: red (past the deadline), yellow (little time left), green,
// each with the working days left on the promised clock.
import { useQuery } from '@tanstack/react-query';
import { Alert, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { get } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { Task } from '../shared/types.ts';
import { UrgencyTag } from '../staff/components/Tags.tsx';
import { keys, useDepartmentNames, useProcesses } from '../staff/queries.ts';
import { useUser } from '../staff/session.tsx';
import { type TimeLeft, timeLeft, useCalendar } from '../staff/workdays.ts';

const RANK: Record<string, number> = { red: 0, yellow: 1, green: 2, none: 3 };

export function useTimeLeftText() {
  const { t } = useTranslation();
  return (left: TimeLeft) => {
    switch (left.kind) {
      case 'overdue':
        return t('worklist.overdue');
      case 'today':
        return t('worklist.today', { at: left.at });
      case 'days':
        return t('worklist.daysLeft', { count: left.days, at: left.at });
      default:
        return t('worklist.noDeadline');
    }
  };
}

export default function Worklist() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const departmentName = useDepartmentNames();
  const { data: processes } = useProcesses();
  const { data: calendar } = useCalendar();
  const text = useTimeLeftText();
  const { data, error, isLoading } = useQuery({
    queryKey: keys.tasks,
    queryFn: () => get<Task[]>('/api/tasks'),
    // Each read of the worklist is in the cases' access logs: refresh now and then, not constantly.
    refetchInterval: 60_000,
  });
  const tasks = [...(data ?? [])].sort(
    (a, b) =>
      (RANK[a.urgency] ?? 3) - (RANK[b.urgency] ?? 3) ||
      (a.deadline ?? '9').localeCompare(b.deadline ?? '9') ||
      (a.dispatchedAt ?? '').localeCompare(b.dispatchedAt ?? ''),
  );
  const processTitle = (id: string) => localTitle(processes?.find((p) => p.id === id)?.title ?? id, lang);
  return (
    <div>
      <Typography.Title level={2}>
        {t('worklist.title', { department: localTitle(departmentName(user.department ?? ''), lang) })}
      </Typography.Title>
      <Typography.Paragraph>{t('worklist.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={t('error.load')} description={error.message} />}
      <Table
        rowKey={(r) => `${r.caseId}:${r.stepId}`}
        loading={isLoading}
        dataSource={tasks}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: t('worklist.empty') }}
        columns={[
          {
            title: t('worklist.urgency'),
            dataIndex: 'urgency',
            render: (u: string, r) => <UrgencyTag urgency={u} text={text(timeLeft(r.deadline, calendar))} />,
          },
          {
            title: t('case.caseNo'),
            dataIndex: 'caseNo',
            render: (no: string, r) => (
              <Link
                to={`/tasks/${r.caseId}/${r.stepId}`}
                aria-label={t('worklist.open', { caseNo: no, step: localTitle(r.title, lang) })}
              >
                {no}
              </Link>
            ),
          },
          { title: t('case.step'), dataIndex: 'title', render: (v: string) => localTitle(v, lang) },
          { title: t('case.process'), dataIndex: 'processId', render: processTitle },
          {
            title: t('worklist.deadline'),
            dataIndex: 'deadline',
            render: (v: string | null) => dateTime(v) || '—',
          },
          {
            title: t('worklist.received'),
            dataIndex: 'dispatchedAt',
            render: (v: string | null) => dateTime(v) || '—',
          },
        ]}
      />
    </div>
  );
}
