// 补正: the steps whose department asked the applicant for something, with everything they listed; the
// clerk answers each with a note and the new uploads, and the step goes back to its department.
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, get, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import type { CaseDetail, CaseSummary, StepView, Upload } from '../shared/types.ts';
import { FileButton } from '../staff/components/FileButton.tsx';
import { itemLabel } from '../staff/items.ts';
import { keys, useDefinition, useDepartmentNames } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';
import { uploadMaterial } from './upload.ts';

/** The server finds the cases with a step waiting for a supplement; only those are read in full. */
const AWAITING = 'awaiting=supplement&limit=100';

export default function SupplementQueue() {
  const { t } = useTranslation();
  const running = useQuery({
    queryKey: keys.cases(AWAITING),
    queryFn: () => get<CaseSummary[]>(`/api/cases?${AWAITING}`),
    refetchInterval: 60_000,
  });
  const details = useQueries({
    queries: (running.data ?? []).map((c) => ({
      queryKey: keys.case(c.id),
      queryFn: () => get<CaseDetail>(`/api/cases/${c.id}`),
      // Every read of a case is in its access log (the applicant sees it): read each once per visit.
      staleTime: 60_000,
    })),
  });
  if (running.error)
    return <Alert type="error" showIcon title={t('error.load')} description={running.error.message} />;
  if (!running.data || details.some((d) => d.isLoading)) return <PageLoading />;
  const waiting = details.flatMap((d) =>
    d.data
      ? d.data.steps
          .filter((s) => s.status === 'supplement_requested')
          .map((s) => ({ kase: d.data!, step: s }))
      : [],
  );
  return (
    <div>
      <Typography.Title level={2}>{t('supplements.title')}</Typography.Title>
      <Typography.Paragraph>{t('supplements.intro')}</Typography.Paragraph>
      {waiting.length === 0 && <Empty description={t('supplements.none')} />}
      {waiting.map(({ kase, step }) => (
        <SupplementCard key={`${kase.id}:${step.stepId}:${step.round}`} kase={kase} step={step} />
      ))}
    </div>
  );
}

function SupplementCard({ kase, step }: { kase: CaseDetail; step: StepView }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { data: definition } = useDefinition(kase.processId);
  const departmentName = useDepartmentNames();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [uploads, setUploads] = useState<Record<string, Upload>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!definition) return null;
  const label = itemLabel(definition, lang);
  const materialItems = (step.supplementItems ?? []).filter((i) =>
    definition.materials.some((m) => m.id === i.item),
  );

  const answer = async () => {
    setBusy(true);
    try {
      await post(`/api/cases/${kase.id}/supplements`, {
        stepId: step.stepId,
        note,
        materials: Object.fromEntries(Object.entries(uploads).map(([m, u]) => [m, u.id])),
      });
      setFailure(null);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.case(kase.id) }),
        queryClient.invalidateQueries({ queryKey: keys.cases(AWAITING) }),
      ]);
    } catch (e) {
      setFailure(e instanceof ApiError ? e.problem.detail : t('error.network'));
    } finally {
      setBusy(false);
    }
  };
  const heading = `${kase.caseNo} · ${localTitle(step.title, lang)}`;

  return (
    <Card
      className="block-gap"
      title={<h3 className="card-title">{heading}</h3>}
      extra={<Link to={`/clerk/cases/${kase.id}`}>{t('supplements.openCase')}</Link>}
    >
      <p>
        {t('supplements.from', { department: localTitle(departmentName(step.department), lang) })}
        {step.opinion ? `：${step.opinion}` : ''}
      </p>
      <ol>
        {(step.supplementItems ?? []).map((i) => (
          <li key={i.item}>
            <strong>{label(i.item)}</strong>
            {t('common.colon')}
            {i.reason}
          </li>
        ))}
      </ol>
      {materialItems.map((i) => (
        <div key={i.item} className="material-actions">
          <span>{label(i.item)}</span>
          {uploads[i.item] ? (
            <span className="ok-text">
              {t('materials.uploaded', {
                name: uploads[i.item]!.filename,
                size: Math.ceil(uploads[i.item]!.size / 1024),
              })}
            </span>
          ) : null}
          <FileButton
            label={t('materials.uploadLabel', { title: label(i.item) })}
            text={uploads[i.item] ? t('materials.replace') : t('materials.upload')}
            onFile={(file) =>
              void uploadMaterial(file)
                .then((u) => setUploads((all) => ({ ...all, [i.item]: u })))
                .catch((e: Error) => setFailure(e.message))
            }
          />
        </div>
      ))}
      <label className="block-label" htmlFor={`note-${kase.id}-${step.stepId}`}>
        {t('supplements.note')}
      </label>
      <Input.TextArea
        id={`note-${kase.id}-${step.stepId}`}
        rows={2}
        value={note}
        maxLength={4000}
        onChange={(e) => setNote(e.target.value)}
      />
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button
        className="block-gap"
        type="primary"
        loading={busy}
        disabled={note.trim() === ''}
        onClick={() => void answer()}
      >
        {t('supplements.submit')}
      </Button>
    </Card>
  );
}
