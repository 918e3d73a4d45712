// The decision on a step: approve with the outputs the step declares (the form is generated from them),
// deny with reasons, ask for a supplement listing everything missing at once, or open a special stage;
// once a stage is open, close it. Server defects are put back on the fields they name.
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, InputNumber, Select, Switch, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { dateTime } from '../shared/time.ts';
import type { CaseDetail, OutputSpec, ProcessDefinition, StepDefinition, StepView } from '../shared/types.ts';
import { outputTitle } from '../staff/glossary.ts';
import { itemLabel } from '../staff/items.ts';
import { translateDefect } from '../staff/messages.ts';
import { keys } from '../staff/queries.ts';

const STAGES = ['site-inspection', 'expert-review', 'hearing', 'public-notice'] as const;

interface Props {
  kase: CaseDetail;
  step: StepView;
  spec: StepDefinition;
  definition: ProcessDefinition;
}

function useSend(kase: CaseDetail) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const send = async (
    path: string,
    body: unknown,
    form?: ReturnType<typeof Form.useForm>[0],
    success?: string,
  ) => {
    setFailure(null);
    try {
      await post(`/api/cases/${kase.id}${path}`, body);
      setDone(success ?? t('decision.done'));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.case(kase.id) }),
        queryClient.invalidateQueries({ queryKey: keys.tasks }),
      ]);
    } catch (e) {
      if (!(e instanceof ApiError)) return setFailure(t('error.network'));
      const errors = e.problem.errors ?? [];
      // "outputs.creditCode" -> the field ['outputs', 'creditCode']; "items[0].reason" -> ['items', 0, 'reason']
      const fields = errors
        .map((x) => ({
          name: (x.field ?? x.path ?? '')
            .replace(/^body\./, '')
            .split(/[.[\]]/)
            .filter(Boolean)
            .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          errors: [translateDefect(x.message, t)],
        }))
        .filter((f) => f.name.length > 0);
      form?.setFields(fields);
      setFailure(`${e.problem.detail || e.problem.title}`);
    }
  };
  return { send, failure, done };
}

function OutputField({ spec, lang }: { spec: OutputSpec; lang: string }) {
  const { t } = useTranslation();
  const label = localTitle(outputTitle(spec.name, spec.title), lang);
  const required = spec.required !== false;
  const rules = [
    ...(required ? [{ required: true, message: t('defect.required') }] : []),
    ...(spec.type === 'string' && spec.pattern
      ? [{ pattern: new RegExp(`^(?:${spec.pattern})$`), message: t('defect.pattern') }]
      : []),
  ];
  const name = ['outputs', spec.name];
  switch (spec.type) {
    case 'number':
      return (
        <Form.Item label={label} name={name} rules={rules}>
          <InputNumber className="full-width" />
        </Form.Item>
      );
    case 'boolean':
      return (
        <Form.Item label={label} name={name} valuePropName="checked" initialValue={false}>
          <Switch />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item label={label} name={name} rules={rules}>
          <Input type="date" />
        </Form.Item>
      );
    default:
      return (
        <Form.Item label={label} name={name} rules={rules}>
          <Input />
        </Form.Item>
      );
  }
}

function Approve({ kase, spec, lang }: Props & { lang: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { send, failure } = useSend(kase);
  // An output named like a form field the step sees starts from the applicant's value.
  const initial = Object.fromEntries(
    spec.outputs
      .filter((o) => ['string', 'number'].includes(typeof kase.application[o.name]))
      .map((o) => [o.name, kase.application[o.name]]),
  );
  const finish = (values: { outputs?: Record<string, unknown>; opinion: string }) => {
    const outputs = Object.fromEntries(
      Object.entries(values.outputs ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''),
    );
    return send(`/steps/${spec.id}/decision`, { outcome: 'approve', outputs, opinion: values.opinion }, form);
  };
  return (
    <Form form={form} name="approve" layout="vertical" onFinish={finish} initialValues={{ outputs: initial }}>
      {spec.outputs.map((o) => (
        <OutputField key={o.name} spec={o} lang={lang} />
      ))}
      <Form.Item
        label={t('decision.opinion')}
        name="opinion"
        initialValue={t('decision.approveOpinion')}
        rules={[{ required: true, message: t('defect.opinion') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button type="primary" htmlType="submit">
        {t('decision.approve')}
      </Button>
    </Form>
  );
}

function Deny({ kase, spec }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { send, failure } = useSend(kase);
  return (
    <Form
      form={form}
      layout="vertical"
      name="deny"
      initialValues={{ reasons: [''] }}
      onFinish={(v: { reasons: string[]; opinion: string }) =>
        send(
          `/steps/${spec.id}/decision`,
          { outcome: 'deny', reasons: v.reasons.filter(Boolean), opinion: v.opinion },
          form,
        )
      }
    >
      <Form.List name="reasons">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Form.Item
                key={field.key}
                label={t('decision.reason', { n: i + 1 })}
                name={field.name}
                rules={[{ required: true, message: t('defect.required') }]}
              >
                <Input
                  maxLength={1000}
                  suffix={
                    fields.length > 1 ? (
                      <Button size="small" type="link" onClick={() => remove(field.name)}>
                        {t('common.remove')}
                      </Button>
                    ) : null
                  }
                />
              </Form.Item>
            ))}
            <Button className="block-gap" onClick={() => add('')}>
              {t('decision.addReason')}
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item
        label={t('decision.opinion')}
        name="opinion"
        rules={[{ required: true, message: t('defect.opinion') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button danger type="primary" htmlType="submit">
        {t('decision.deny')}
      </Button>
    </Form>
  );
}

function Supplement({ kase, spec, definition, lang }: Props & { lang: string }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { send, failure } = useSend(kase);
  const label = itemLabel(definition, lang);
  const options = [...spec.materials, ...spec.fields].map((v) => ({ value: v, label: label(v) }));
  return (
    <Form
      form={form}
      layout="vertical"
      name="supplement"
      initialValues={{ items: [{}] }}
      onFinish={(v: { items: { item: string; reason: string }[]; opinion: string }) =>
        send(
          `/steps/${spec.id}/decision`,
          { outcome: 'supplement', items: v.items, opinion: v.opinion },
          form,
        )
      }
    >
      <Typography.Paragraph>{t('decision.supplementIntro')}</Typography.Paragraph>
      <Form.List name="items">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <fieldset key={field.key} className="plain-fieldset item-row">
                <legend>{t('decision.item', { n: i + 1 })}</legend>
                <Form.Item
                  label={t('decision.what')}
                  name={[field.name, 'item']}
                  rules={[{ required: true, message: t('defect.required') }]}
                >
                  <Select options={options} />
                </Form.Item>
                <Form.Item
                  label={t('decision.why')}
                  name={[field.name, 'reason']}
                  rules={[{ required: true, message: t('defect.required') }]}
                >
                  <Input maxLength={1000} />
                </Form.Item>
                {fields.length > 1 && (
                  <Button size="small" onClick={() => remove(field.name)}>
                    {t('common.remove')}
                  </Button>
                )}
              </fieldset>
            ))}
            <Button className="block-gap" onClick={() => add({})}>
              {t('decision.addItem')}
            </Button>
          </>
        )}
      </Form.List>
      <Form.Item
        label={t('decision.opinion')}
        name="opinion"
        rules={[{ required: true, message: t('defect.opinion') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button type="primary" htmlType="submit">
        {t('decision.requestSupplement')}
      </Button>
    </Form>
  );
}

function OpenStage({ kase, spec }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { send, failure } = useSend(kase);
  return (
    <Form
      form={form}
      layout="vertical"
      name="openStage"
      onFinish={(v: { kind: string; reason: string }) => send(`/steps/${spec.id}/special-stage`, v, form)}
    >
      <Form.Item
        label={t('stage.kind')}
        name="kind"
        rules={[{ required: true, message: t('defect.required') }]}
      >
        <Select options={STAGES.map((k) => ({ value: k, label: t(`stage.kinds.${k}`) }))} />
      </Form.Item>
      <Form.Item
        label={t('stage.reason')}
        name="reason"
        rules={[{ required: true, message: t('defect.required') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button htmlType="submit">{t('stage.open')}</Button>
    </Form>
  );
}

function CloseStage({ kase, step, spec }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const { send, failure } = useSend(kase);
  return (
    <Form
      form={form}
      name="closeStage"
      layout="vertical"
      onFinish={(v: { opinion: string }) => send(`/steps/${spec.id}/special-stage/close`, v, form)}
    >
      <Alert
        className="block-gap"
        type="warning"
        showIcon
        title={t('stage.isOpen', {
          kind: t(`stage.kinds.${step.specialStage?.kind}`, step.specialStage?.kind ?? ''),
          since: dateTime(step.specialStage?.since),
        })}
      />
      <Form.Item
        label={t('stage.opinion')}
        name="opinion"
        rules={[{ required: true, message: t('defect.required') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {failure && <Alert className="block-gap" type="error" showIcon title={failure} role="alert" />}
      <Button type="primary" htmlType="submit">
        {t('stage.close')}
      </Button>
    </Form>
  );
}

function Decided({ step, spec, lang }: { step: StepView; spec: StepDefinition; lang: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <p>
        {t(`stepStatus.${step.status}`)} · {dateTime(step.decidedAt)}
      </p>
      {step.opinion && (
        <p>
          {t('decision.opinion')}
          {t('common.colon')}
          {step.opinion}
        </p>
      )}
      {step.reasons.length > 0 && (
        <ul>
          {step.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {step.outputs && (
        <dl className="fields">
          {Object.entries(step.outputs).map(([name, value]) => (
            <div key={name}>
              <dt>{localTitle(outputTitle(name, spec.outputs.find((o) => o.name === name)?.title), lang)}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function DecisionPanel(props: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { step, definition } = props;
  let body: React.ReactNode;
  if (step.status === 'awaiting_decision') {
    body = (
      <Tabs
        destroyOnHidden
        items={[
          { key: 'approve', label: t('decision.tabApprove'), children: <Approve {...props} lang={lang} /> },
          { key: 'deny', label: t('decision.tabDeny'), children: <Deny {...props} /> },
          {
            key: 'supplement',
            label: t('decision.tabSupplement'),
            children: <Supplement {...props} lang={lang} />,
          },
          { key: 'stage', label: t('decision.tabStage'), children: <OpenStage {...props} /> },
        ]}
      />
    );
  } else if (step.status === 'in_special_stage') {
    body = <CloseStage {...props} />;
  } else if (step.status === 'supplement_requested') {
    const label = itemLabel(definition, lang);
    body = (
      <Alert
        type="info"
        showIcon
        title={t('decision.waitingApplicant')}
        description={
          <ul>
            {(step.supplementItems ?? []).map((i) => (
              <li key={i.item}>
                {label(i.item)}
                {t('common.colon')}
                {i.reason}
              </li>
            ))}
          </ul>
        }
      />
    );
  } else if (step.status === 'blocked') {
    body = <Typography.Text>{t('decision.blocked')}</Typography.Text>;
  } else {
    body = <Decided step={step} spec={props.spec} lang={lang} />;
  }
  return <Card title={<h3 className="card-title">{t('decision.title')}</h3>}>{body}</Card>;
}
