// Follow-ups (整改) of bad ratings: the department's own (its staff answer them), or, for managers, every
// department's with the overdue ones first to hand, and the service centre's, which managers answer.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Modal, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../../shared/api.ts';
import { localTitle } from '../../shared/bilingual.ts';
import { dateTime } from '../../shared/time.ts';
import type { FollowUp } from '../../shared/types.ts';
import { useDepartmentNames } from '../queries.ts';
import { useUser } from '../session.tsx';
import { UrgencyTag } from './Tags.tsx';

export default function FollowUps() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const departmentName = useDepartmentNames();
  const queryClient = useQueryClient();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [answering, setAnswering] = useState<FollowUp | null>(null);
  const [response, setResponse] = useState('');
  const { data, error, isLoading } = useQuery({
    queryKey: ['follow-ups', overdueOnly],
    queryFn: () => get<FollowUp[]>(`/api/follow-ups${overdueOnly ? '?overdue=true' : ''}`),
    refetchInterval: 60_000,
  });
  const answer = useMutation({
    mutationFn: (f: FollowUp) => post<FollowUp>(`/api/follow-ups/${f.id}/response`, { response }),
    onSuccess: () => {
      setAnswering(null);
      setResponse('');
      void queryClient.invalidateQueries({ queryKey: ['follow-ups'] });
    },
  });
  // Staff answer their department's; managers the centre's (department null).
  const mayAnswer = (f: FollowUp) =>
    user.role === 'manager' ? f.department === null : user.role === 'department';
  return (
    <div>
      <Typography.Title level={2}>{t('followUps.title')}</Typography.Title>
      <Typography.Paragraph>{t('followUps.intro')}</Typography.Paragraph>
      {user.role !== 'department' && (
        <p>
          <Switch
            id="follow-ups-overdue"
            checked={overdueOnly}
            onChange={setOverdueOnly}
            aria-label={t('followUps.overdueOnly')}
          />{' '}
          <span>{t('followUps.overdueOnly')}</span>
        </p>
      )}
      {error && <Alert type="error" showIcon title={error.message} />}
      <Table
        rowKey="id"
        loading={isLoading}
        dataSource={data ?? []}
        pagination={false}
        locale={{ emptyText: t('followUps.none') }}
        columns={[
          { title: t('case.caseNo'), dataIndex: 'caseNo' },
          {
            title: t('followUps.department'),
            dataIndex: 'department',
            render: (d: string | null) =>
              d === null ? t('followUps.centre') : localTitle(departmentName(d), i18n.language),
          },
          { title: t('followUps.score'), dataIndex: 'score' },
          { title: t('followUps.comment'), dataIndex: 'comment', render: (c: string | null) => c ?? '—' },
          {
            title: t('followUps.due'),
            dataIndex: 'dueAt',
            render: (d: string | null, f: FollowUp) => (
              <>
                <UrgencyTag urgency={f.urgency} /> {d ? dateTime(d) : '—'}
              </>
            ),
          },
          {
            title: t('followUps.action'),
            key: 'action',
            render: (_: unknown, f: FollowUp) =>
              mayAnswer(f) ? <Button onClick={() => setAnswering(f)}>{t('followUps.answer')}</Button> : null,
          },
        ]}
      />
      <Modal
        open={answering !== null}
        title={t('followUps.answerTitle', { caseNo: answering?.caseNo ?? '' })}
        okText={t('followUps.send')}
        okButtonProps={{ disabled: !response.trim(), loading: answer.isPending }}
        onOk={() => answering && answer.mutate(answering)}
        onCancel={() => setAnswering(null)}
      >
        <Typography.Paragraph>{t('followUps.answerHint')}</Typography.Paragraph>
        <Input.TextArea
          aria-label={t('followUps.response')}
          rows={5}
          maxLength={2000}
          value={response}
          onChange={(e) => setResponse(e.target.value)}
        />
        {answer.error && (
          <Alert
            type="error"
            showIcon
            title={answer.error instanceof ApiError ? answer.error.problem.detail : answer.error.message}
          />
        )}
      </Modal>
    </div>
  );
}
