// One task: only what its step may see (its form fields, its materials, the earlier outputs it consumes,
// each with where and when it came from), its clocks, and the decision. A task of another department is
// refused: by the server when the department has no step in the case, here when the step is not theirs.
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Result, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, get } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime, shortDateTime } from '../shared/time.ts';
import { ClockLine, StepStatusTag } from '../staff/components/Tags.tsx';
import { ValueView } from '../staff/components/ValueView.tsx';
import { fieldTitle, outputTitle } from '../staff/glossary.ts';
import { useCase, useDefinition, useDepartmentNames } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';
import { useUser } from '../staff/session.tsx';
import { DecisionPanel } from './DecisionPanel.tsx';

interface CaseMaterial {
  materialId: string;
  attachedAt: string;
  upload: { filename: string; size: number };
}

function Refused({ detail }: { detail: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('task.refusedTitle')}
      subTitle={detail}
      extra={<Link to="/tasks">{t('task.back')}</Link>}
    />
  );
}

export default function TaskPage() {
  const { caseId, stepId } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const departmentName = useDepartmentNames();
  const { data: kase, error } = useCase(caseId);
  const { data: definition } = useDefinition(kase?.processId);
  const materials = useQuery({
    queryKey: ['case-materials', caseId],
    queryFn: () => get<CaseMaterial[]>(`/api/cases/${caseId}/materials`),
    enabled: Boolean(kase),
  });

  if (error instanceof ApiError && error.status === 403) return <Refused detail={t('task.refusedNoStep')} />;
  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!kase || !definition) return <PageLoading />;
  const spec = definition.steps.find((s) => s.id === stepId);
  const step = kase.steps.find((s) => s.stepId === stepId);
  if (!spec || !step) return <Alert type="error" showIcon title={t('task.unknownStep')} />;
  if (spec.department !== user.department) {
    return (
      <Refused
        detail={t('task.refusedOther', { department: localTitle(departmentName(spec.department), lang) })}
      />
    );
  }
  const properties = definition.form.properties;
  const specOf = (name: string) => definition.steps.flatMap((s) => s.outputs).find((o) => o.name === name);
  const attached = new Map((materials.data ?? []).map((m) => [m.materialId, m]));

  return (
    <div>
      <Typography.Paragraph>
        <Link to="/tasks">{t('task.back')}</Link>
      </Typography.Paragraph>
      <Typography.Title level={2}>
        {localTitle(spec.title, lang)} <StepStatusTag status={step.status} />
      </Typography.Title>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'n', label: t('case.caseNo'), children: kase.caseNo },
          { key: 'p', label: t('case.process'), children: localTitle(kase.processTitle, lang) },
          { key: 'd', label: t('task.dispatchedAt'), children: dateTime(step.dispatchedAt) || '—' },
          {
            key: 'c',
            label: t('task.clocks'),
            children: (
              <div className="clock-list">
                {step.clocks.map((c) => (
                  <ClockLine key={c.clock} clock={c} />
                ))}
              </div>
            ),
          },
        ]}
      />
      <Row gutter={[24, 24]} className="block-gap">
        <Col xs={24} xl={12}>
          <Card title={<h3 className="card-title">{t('task.fields')}</h3>}>
            <dl className="fields">
              {spec.fields.map((f) => (
                <div key={f}>
                  <dt>{localTitle(fieldTitle(definition.id, f, properties[f]?.title as string), lang)}</dt>
                  <dd>
                    <ValueView
                      value={kase.application[f]}
                      schema={properties[f]}
                      processId={definition.id}
                      path={f}
                      lang={lang}
                    />
                  </dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title={<h3 className="card-title">{t('task.inputs')}</h3>} className="block-gap">
            {spec.inputs.length === 0 ? (
              <Typography.Text>{t('task.noInputs')}</Typography.Text>
            ) : (
              <dl className="fields">
                {spec.inputs.map((name) => {
                  const datum = kase.data[name];
                  const from = datum ? kase.steps.find((s) => s.stepId === datum.stepId) : undefined;
                  return (
                    <div key={name}>
                      <dt>{localTitle(outputTitle(name, specOf(name)?.title), lang)}</dt>
                      <dd>
                        {datum ? (
                          <>
                            <span className="datum">{String(datum.value)}</span>
                            <span className="provenance">
                              {t('task.provenance', {
                                department: localTitle(departmentName(from?.department ?? ''), lang),
                                at: shortDateTime(datum.at),
                              })}
                            </span>
                          </>
                        ) : (
                          t('task.notYet')
                        )}
                      </dd>
                    </div>
                  );
                })}
              </dl>
            )}
          </Card>
          <Card title={<h3 className="card-title">{t('task.materials')}</h3>} className="block-gap">
            {spec.materials.length === 0 ? (
              <Typography.Text>{t('task.noMaterials')}</Typography.Text>
            ) : (
              <ul className="plain-list">
                {spec.materials.map((m) => {
                  const title = localTitle(definition.materials.find((d) => d.id === m)?.title ?? m, lang);
                  const file = attached.get(m);
                  return (
                    <li key={m}>
                      {file ? (
                        <a href={`/api/cases/${kase.id}/materials/${encodeURIComponent(m)}`} download>
                          {title}
                        </a>
                      ) : (
                        <span>{title}</span>
                      )}{' '}
                      <span className="muted small">
                        {file
                          ? t('task.attachedAt', { at: shortDateTime(file.attachedAt) })
                          : step.owed.includes(m)
                            ? t('task.owed', { at: dateTime(step.owedBy) })
                            : t('task.missing')}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <DecisionPanel kase={kase} step={step} spec={spec} definition={definition} />
        </Col>
      </Row>
    </div>
  );
}
