// One case at the window: where each step stands, materials promised under 容缺 still to attach, the
// unified delivery (统一出件) once the case is closed, withdrawal at the applicant's request, and a new
// tracking code when the applicant lost theirs.
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { ProcessDefinition, StepView } from '../shared/types.ts';
import { FileButton } from '../staff/components/FileButton.tsx';
import { CaseStatusTag, ClockLine, StepStatusTag } from '../staff/components/Tags.tsx';
import { keys, useCase, useDefinition, useDepartmentNames } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';
import { DeliveryPanel } from './DeliveryPanel.tsx';
import { uploadMaterial } from './upload.ts';

export default function ClerkCase() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: kase, error } = useCase(id, 10_000);
  const { data: definition } = useDefinition(kase?.processId);
  const departmentName = useDepartmentNames();
  const [reason, setReason] = useState('');
  const [withdrawError, setWithdrawError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!kase || !definition) return <PageLoading />;
  const running = kase.status === 'running';

  const withdraw = async () => {
    try {
      await post(`/api/cases/${kase.id}/withdrawal`, { reason });
      setConfirming(false);
      setWithdrawError(null);
      await queryClient.invalidateQueries({ queryKey: keys.case(kase.id) });
    } catch (e) {
      setWithdrawError(e instanceof ApiError ? e.problem.detail : t('error.network'));
    }
  };

  const reissue = async () => {
    const answer = await post<{ trackingCode: string }>(`/api/cases/${kase.id}/tracking-code`);
    navigate(`/clerk/cases/${kase.id}/receipt`, { state: { trackingCode: answer.trackingCode } });
  };

  return (
    <div>
      <Typography.Title level={2}>
        {t('case.heading', { caseNo: kase.caseNo })} <CaseStatusTag status={kase.status} />
      </Typography.Title>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'p', label: t('case.process'), children: localTitle(kase.processTitle, lang) },
          { key: 's', label: t('case.submittedAt'), children: dateTime(kase.submittedAt) },
          { key: 'c', label: t('case.clock'), children: kase.clock ? <ClockLine clock={kase.clock} /> : '—' },
          { key: 'e', label: t('case.closedAt'), children: dateTime(kase.closedAt) || '—' },
        ]}
      />
      <Space className="block-gap" wrap>
        <Button onClick={() => navigate(`/clerk/cases/${kase.id}/receipt`)}>{t('case.receipt')}</Button>
        <Button onClick={() => void reissue()}>{t('case.reissueCode')}</Button>
      </Space>
      <Card title={<h3 className="card-title">{t('case.steps')}</h3>} className="block-gap">
        <Table
          rowKey="stepId"
          pagination={false}
          size="small"
          dataSource={kase.steps}
          columns={[
            { title: t('case.step'), dataIndex: 'title', render: (v: string) => localTitle(v, lang) },
            {
              title: t('case.department'),
              dataIndex: 'department',
              render: (d: string) => localTitle(departmentName(d), lang),
            },
            {
              title: t('case.status'),
              dataIndex: 'status',
              render: (s: string) => <StepStatusTag status={s} />,
            },
            {
              title: t('case.decidedAt'),
              dataIndex: 'decidedAt',
              render: (v: string | null) => dateTime(v) || '—',
            },
          ]}
        />
      </Card>
      <OwedMaterials caseId={kase.id} steps={kase.steps} definition={definition} running={running} />
      {!running && <DeliveryPanel caseId={kase.id} definition={definition} />}
      {running && (
        <Card title={<h3 className="card-title">{t('withdraw.title')}</h3>} className="block-gap">
          <Typography.Paragraph>{t('withdraw.intro')}</Typography.Paragraph>
          <label className="block-label" htmlFor="withdraw-reason">
            {t('withdraw.reason')}
          </label>
          <Input.TextArea
            id="withdraw-reason"
            rows={2}
            value={reason}
            maxLength={4000}
            onChange={(e) => setReason(e.target.value)}
          />
          {withdrawError && (
            <Alert className="block-gap" type="error" showIcon title={withdrawError} role="alert" />
          )}
          <Space className="block-gap">
            {confirming ? (
              <>
                <Button danger type="primary" onClick={() => void withdraw()}>
                  {t('withdraw.confirm')}
                </Button>
                <Button onClick={() => setConfirming(false)}>{t('common.cancel')}</Button>
              </>
            ) : (
              <Button danger disabled={reason.trim() === ''} onClick={() => setConfirming(true)}>
                {t('withdraw.submit')}
              </Button>
            )}
          </Space>
        </Card>
      )}
    </div>
  );
}

/** Materials promised under 容缺受理 and not yet attached: attach them before the due date. */
function OwedMaterials({
  caseId,
  steps,
  definition,
  running,
}: {
  caseId: string;
  steps: StepView[];
  definition: ProcessDefinition;
  running: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const owed = [...new Set(steps.flatMap((s) => s.owed))];
  // The card stays with its message once the last owed material is in.
  if (!running || (owed.length === 0 && !message)) return null;
  const dueOf = (m: string) => steps.find((s) => s.owed.includes(m))?.owedBy ?? null;
  const attach = async (materialId: string, file: File) => {
    try {
      const upload = await uploadMaterial(file);
      await post(`/api/cases/${caseId}/materials`, { materials: { [materialId]: upload.id } });
      setMessage(t('owed.attached'));
      await queryClient.invalidateQueries({ queryKey: keys.case(caseId) });
    } catch (e) {
      setMessage(e instanceof ApiError ? e.problem.detail : t('error.network'));
    }
  };
  return (
    <Card title={<h3 className="card-title">{t('owed.title')}</h3>} className="block-gap">
      {message && <Alert className="block-gap" type="info" showIcon title={message} role="status" />}
      <ul className="materials">
        {owed.map((m) => {
          const title = localTitle(definition.materials.find((d) => d.id === m)?.title ?? m, i18n.language);
          return (
            <li key={m} className="material">
              <strong>{title}</strong>{' '}
              <span className="warn-text">{t('owed.due', { at: dateTime(dueOf(m)) })}</span>{' '}
              <FileButton
                label={t('materials.uploadLabel', { title })}
                text={t('materials.upload')}
                onFile={(f) => void attach(m, f)}
              />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
