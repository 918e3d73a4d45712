// A case in full for the manager: its clocks, each step with its clocks and outputs, the timeline of
// every event, the audit-chain check and the access log (who read the applicant's data, and why).
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Collapse, Descriptions, Table, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime, shortDateTime } from '../shared/time.ts';
import type { AccessEntry, EventView } from '../shared/types.ts';
import { CaseStatusTag, ClockLine, StepStatusTag } from '../staff/components/Tags.tsx';
import { ValueView } from '../staff/components/ValueView.tsx';
import { fieldTitle, outputTitle } from '../staff/glossary.ts';
import { useCase, useDefinition, useDepartmentNames } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';

interface Audit {
  intact: boolean;
  events: number;
  brokenAt?: number;
}

export default function CaseView() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const departmentName = useDepartmentNames();
  const { data: kase, error } = useCase(id);
  const { data: definition } = useDefinition(kase?.processId);
  const [auditRequested, setAuditRequested] = useState(false);
  const audit = useQuery({
    queryKey: ['audit', id],
    queryFn: () => get<Audit>(`/api/cases/${id}/audit`),
    enabled: auditRequested,
  });
  const access = useQuery({
    queryKey: ['access-log', id],
    queryFn: () => get<AccessEntry[]>(`/api/cases/${id}/access-log`),
  });

  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!kase || !definition) return <PageLoading />;
  const stepTitle = (stepId: string | null) =>
    stepId ? localTitle(kase.steps.find((s) => s.stepId === stepId)?.title ?? stepId, lang) : '';
  const specOf = (name: string) => definition.steps.flatMap((s) => s.outputs).find((o) => o.name === name);
  const eventText = (e: EventView) =>
    [t(`event.${e.type}`, e.type), stepTitle(e.stepId)].filter(Boolean).join(' · ');

  return (
    <div>
      <Typography.Paragraph>
        <Link to="/manager/cases">{t('search.back')}</Link>
      </Typography.Paragraph>
      <Typography.Title level={2}>
        {t('case.heading', { caseNo: kase.caseNo })} <CaseStatusTag status={kase.status} />
      </Typography.Title>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          {
            key: 'p',
            label: t('case.process'),
            children: `${localTitle(kase.processTitle, lang)} v${kase.processVersion}`,
          },
          { key: 's', label: t('case.submittedAt'), children: dateTime(kase.submittedAt) },
          { key: 'c', label: t('case.clock'), children: kase.clock ? <ClockLine clock={kase.clock} /> : '—' },
          { key: 'e', label: t('case.closedAt'), children: dateTime(kase.closedAt) || '—' },
        ]}
      />
      <Card className="block-gap" title={<h3 className="card-title">{t('case.steps')}</h3>}>
        <Table
          rowKey="stepId"
          size="small"
          pagination={false}
          dataSource={kase.steps}
          scroll={{ x: true }}
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
              title: t('task.clocks'),
              dataIndex: 'clocks',
              render: (_: unknown, s) => (
                <div className="clock-list">
                  {s.clocks.map((c) => (
                    <ClockLine key={c.clock} clock={c} />
                  ))}
                </div>
              ),
            },
            {
              title: t('case.decidedAt'),
              dataIndex: 'decidedAt',
              render: (v: string | null) => dateTime(v) || '—',
            },
          ]}
        />
      </Card>
      <Card className="block-gap" title={<h3 className="card-title">{t('case.outputs')}</h3>}>
        <dl className="fields">
          {Object.entries(kase.data).map(([name, d]) => (
            <div key={name}>
              <dt>{localTitle(outputTitle(name, specOf(name)?.title), lang)}</dt>
              <dd>
                <span className="datum">{String(d.value)}</span>
                <span className="provenance">
                  {t('task.provenance', {
                    department: localTitle(
                      departmentName(kase.steps.find((s) => s.stepId === d.stepId)?.department ?? ''),
                      lang,
                    ),
                    at: shortDateTime(d.at),
                  })}
                </span>
              </dd>
            </div>
          ))}
        </dl>
      </Card>
      <Collapse
        className="block-gap"
        items={[
          {
            key: 'application',
            label: t('case.application'),
            children: (
              <dl className="fields">
                {Object.entries(kase.application).map(([k, v]) => (
                  <div key={k}>
                    <dt>
                      {localTitle(
                        fieldTitle(definition.id, k, definition.form.properties[k]?.title as string),
                        lang,
                      )}
                    </dt>
                    <dd>
                      <ValueView
                        value={v}
                        schema={definition.form.properties[k]}
                        processId={definition.id}
                        path={k}
                        lang={lang}
                      />
                    </dd>
                  </div>
                ))}
              </dl>
            ),
          },
        ]}
      />
      <Card className="block-gap" title={<h3 className="card-title">{t('case.timeline')}</h3>}>
        <Timeline
          items={kase.timeline.map((e) => ({
            key: e.seq,
            title: `${dateTime(e.at)}`,
            content: (
              <div>
                <strong>{eventText(e)}</strong>
                {e.actor && <span className="muted small"> · {t('case.actor', { actor: e.actor })}</span>}
                {e.opinion && <div>{e.opinion}</div>}
              </div>
            ),
          }))}
        />
      </Card>
      <Card className="block-gap" title={<h3 className="card-title">{t('audit.title')}</h3>}>
        <Button
          onClick={() => (auditRequested ? void audit.refetch() : setAuditRequested(true))}
          loading={audit.isFetching}
        >
          {t('audit.verify')}
        </Button>
        <div aria-live="polite" className="block-gap">
          {audit.data &&
            (audit.data.intact ? (
              <Alert type="success" showIcon title={t('audit.intact', { count: audit.data.events })} />
            ) : (
              <Alert type="error" showIcon title={t('audit.broken', { seq: audit.data.brokenAt })} />
            ))}
          {audit.error && <Alert type="error" showIcon title={audit.error.message} />}
        </div>
      </Card>
      <Card className="block-gap" title={<h3 className="card-title">{t('access.title')}</h3>}>
        <Table
          rowKey={(r) => `${r.at}:${r.userId}:${r.purpose}`}
          size="small"
          dataSource={access.data ?? []}
          loading={access.isLoading}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('access.at'), dataIndex: 'at', render: dateTime },
            { title: t('access.role'), dataIndex: 'role', render: (r: string) => t(`role.${r}`, r) },
            {
              title: t('case.department'),
              dataIndex: 'department',
              render: (d: string | null) => (d ? localTitle(departmentName(d), lang) : '—'),
            },
            { title: t('access.purpose'), dataIndex: 'purpose' },
            {
              title: t('access.fields'),
              dataIndex: 'fields',
              render: (f: string[]) =>
                f
                  .map((k) =>
                    localTitle(
                      // A form field, or another department's result the step reused.
                      k in definition.form.properties
                        ? fieldTitle(definition.id, k, definition.form.properties[k]?.title as string)
                        : outputTitle(k, specOf(k)?.title),
                      lang,
                    ),
                  )
                  .join('、') || '—',
            },
          ]}
        />
      </Card>
    </div>
  );
}
