// 受理回执: the acceptance receipt handed to the applicant, printable. It carries the tracking code (shown
// once, at intake or when the clerk issues a new one) and a QR code of the tracking page for this case.
import { PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Typography } from 'antd';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { get, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import { useCase, useDefinition, useDepartmentNames } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';
import { useUser } from '../staff/session.tsx';

interface CaseMaterial {
  materialId: string;
  attachedAt: string;
  upload: { filename: string };
}

export function trackUrl(caseNo: string): string {
  return `${window.location.origin}/track?caseNo=${encodeURIComponent(caseNo)}`;
}

export default function ReceiptPage() {
  const { id } = useParams();
  const location = useLocation();
  const state = (location.state ?? {}) as { caseNo?: string; trackingCode?: string };
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const { data: kase, error } = useCase(id);
  const { data: definition } = useDefinition(kase?.processId);
  const departmentName = useDepartmentNames();
  const materials = useQuery({
    queryKey: ['case-materials', id],
    queryFn: () => get<CaseMaterial[]>(`/api/cases/${id}/materials`),
    enabled: Boolean(id),
  });
  const [code, setCode] = useState<string | undefined>(state.trackingCode);
  const [reissueError, setReissueError] = useState<string | null>(null);

  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!kase || !definition) return <PageLoading />;

  const reissue = async () => {
    try {
      const answer = await post<{ trackingCode: string }>(`/api/cases/${kase.id}/tracking-code`);
      setCode(answer.trackingCode);
      setReissueError(null);
    } catch (e) {
      setReissueError((e as Error).message);
    }
  };
  const materialTitle = (m: string) =>
    localTitle(definition.materials.find((d) => d.id === m)?.title ?? m, lang);
  const owed = kase.steps.filter((s) => s.owed.length > 0);

  return (
    <div>
      <Space className="no-print block-gap" wrap>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()}>
          {t('receipt.print')}
        </Button>
        <Link to={`/clerk/cases/${kase.id}`}>{t('receipt.toCase')}</Link>
        <Link to="/clerk">{t('receipt.next')}</Link>
      </Space>
      {reissueError && <Alert className="no-print block-gap" type="error" showIcon title={reissueError} />}
      <article className="receipt" aria-labelledby="receipt-title">
        <h2 id="receipt-title" className="receipt-title">
          {t('receipt.title')}
        </h2>
        <dl className="receipt-fields">
          <dt>{t('receipt.caseNo')}</dt>
          <dd className="case-no" data-testid="receipt-case-no">
            {kase.caseNo}
          </dd>
          <dt>{t('receipt.process')}</dt>
          <dd>{localTitle(kase.processTitle, lang)}</dd>
          <dt>{t('receipt.submittedAt')}</dt>
          <dd>{dateTime(kase.submittedAt)}</dd>
          <dt>{t('receipt.promise')}</dt>
          <dd>
            {kase.clock?.deadline
              ? t('receipt.promiseBy', { at: dateTime(kase.clock.deadline) })
              : definition.promise?.days
                ? t('receipt.promiseDays', { days: definition.promise.days })
                : t('receipt.noPromise')}
          </dd>
          <dt>{t('receipt.items')}</dt>
          <dd>
            <ul className="plain-list">
              {kase.steps
                .filter((s) => s.status !== 'not_applicable')
                .map((s) => (
                  <li key={s.stepId}>
                    {localTitle(s.title, lang)}（{localTitle(departmentName(s.department), lang)}）
                  </li>
                ))}
            </ul>
          </dd>
          <dt>{t('receipt.materials')}</dt>
          <dd>
            <ul className="plain-list">
              {(materials.data ?? []).map((m) => (
                <li key={m.materialId}>{materialTitle(m.materialId)}</li>
              ))}
            </ul>
          </dd>
          {owed.length > 0 && (
            <>
              <dt>{t('receipt.owed')}</dt>
              <dd>
                <ul className="plain-list">
                  {owed.map((s) => (
                    <li key={s.stepId}>
                      {s.owed.map(materialTitle).join('、')}：
                      {t('receipt.owedBy', { at: dateTime(s.owedBy) })}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>{t('receipt.window')}</dt>
          <dd>{localTitle(user.displayName, lang)}</dd>
        </dl>
        <section className="receipt-track" aria-labelledby="receipt-track-title">
          <h3 id="receipt-track-title">{t('receipt.trackTitle')}</h3>
          <div className="receipt-track-body">
            <QRCodeSVG
              value={trackUrl(kase.caseNo)}
              size={128}
              role="img"
              aria-label={t('receipt.qrLabel')}
            />
            <div>
              {code ? (
                <p>
                  {t('receipt.code')}
                  {t('common.colon')}
                  <span className="tracking-code" data-testid="receipt-tracking-code">
                    {code}
                  </span>
                </p>
              ) : (
                <Alert
                  className="no-print"
                  type="info"
                  showIcon
                  title={t('receipt.codeGone')}
                  action={
                    <Button size="small" onClick={() => void reissue()}>
                      {t('receipt.reissue')}
                    </Button>
                  }
                />
              )}
              <p className="small">{t('receipt.trackHint', { url: `${window.location.origin}/track` })}</p>
            </div>
          </div>
        </section>
        <Typography.Paragraph className="small receipt-foot">{t('receipt.foot')}</Typography.Paragraph>
      </article>
    </div>
  );
}
