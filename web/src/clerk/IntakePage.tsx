// 一窗受理: the combined form generated from the definition, the materials checklist of the steps that
// apply (recomputed as the clerk types), uploads, 容缺 with a due date, and every defect at once: the
// browser's own check and, after submitting, the server's problem list mapped back onto the fields.
import Form from '@rjsf/antd';
import type { RJSFValidationError } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Space, Tag, Typography } from 'antd';
import { useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, post } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import type { ProcessDefinition, Upload } from '../shared/types.ts';
import { Defects } from '../staff/components/Defects.tsx';
import { translateDefect } from '../staff/messages.ts';
import { useDefinition } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';
import { checklist } from './applicable.ts';
import { errorSchema, type FieldDefect, fromValidation, merge, valueAt } from './form/errors.ts';
import { GroupTemplate } from './form/GroupTemplate.tsx';
import { formFor, pathTitle } from './form/schema.ts';
import { MaterialsChecklist, type Waivers } from './MaterialsChecklist.tsx';

interface Created {
  id: string;
  caseNo: string;
  status: string;
  trackingCode?: string;
}

export default function IntakePage() {
  const { processId } = useParams();
  const { data: definition, error } = useDefinition(processId);
  const { t } = useTranslation();
  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!definition) return <PageLoading />;
  return <Intake key={definition.id} definition={definition} />;
}

function Intake({ definition }: { definition: ProcessDefinition }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { schema, uiSchema } = useMemo(
    () => formFor(definition.form, definition.id, lang, definition.steps),
    [definition, lang],
  );
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [attempted, setAttempted] = useState(false);
  const [server, setServer] = useState<{ defects: FieldDefect[]; snapshot: Record<string, unknown> }>({
    defects: [],
    snapshot: {},
  });
  const [materialErrors, setMaterialErrors] = useState<Record<string, string[]>>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [uploads, setUploads] = useState<Record<string, Upload>>({});
  const [waivers, setWaivers] = useState<Waivers>({});
  const [busy, setBusy] = useState(false);
  // One key per application: a retry after a lost answer returns the same case, never a second one.
  const idempotencyKey = useRef(crypto.randomUUID());

  const translate = useCallback(
    (message: string) =>
      translateDefect(message, t, (id) =>
        localTitle(definition.steps.find((s) => s.id === id)?.title ?? id, lang),
      ),
    [t, definition, lang],
  );

  const clientDefects = useMemo(() => {
    const transform = (errors: RJSFValidationError[]) =>
      errors.map((e) => ({ ...e, message: translate(e.message ?? '') }));
    return fromValidation(validator.validateFormData(formData, schema, undefined, transform).errors);
  }, [formData, schema, translate]);

  const shownClient = clientDefects.filter(
    (d) => attempted || [...touched].some((p) => d.path === p || d.path.startsWith(`${p}.`)),
  );
  const formDefects = merge(server.defects, shownClient);
  const { applicable, notApplicable, needed } = checklist(definition, formData);

  const onChange = (data: Record<string, unknown>) => {
    setFormData(data);
    // A server defect stays until its field changes.
    setServer((s) => ({
      ...s,
      defects: s.defects.filter(
        (d) => JSON.stringify(valueAt(data, d.path)) === JSON.stringify(valueAt(s.snapshot, d.path)),
      ),
    }));
  };

  const submit = async () => {
    setAttempted(true);
    setBusy(true);
    setOtherErrors([]);
    const materials = Object.fromEntries(
      needed.filter((n) => uploads[n.material.id]).map((n) => [n.material.id, uploads[n.material.id]!.id]),
    );
    // One deficiency per (step, material): each step that uses a waived material is promised it.
    const deficiencyOf: string[] = [];
    const deficiencies = needed
      .filter((n) => !uploads[n.material.id] && waivers[n.material.id])
      .flatMap((n) =>
        n.steps.map((s) => {
          deficiencyOf.push(n.material.id);
          return { stepId: s.id, materials: [n.material.id], due: waivers[n.material.id]! };
        }),
      );
    try {
      const created = await post<Created>(
        '/api/cases',
        {
          processId: definition.id,
          application: formData,
          materials,
          ...(deficiencies.length > 0 ? { deficiencies } : {}),
        },
        { headers: { 'idempotency-key': idempotencyKey.current } },
      );
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/clerk/cases/${created.id}/receipt`, {
        state: { caseNo: created.caseNo, trackingCode: created.trackingCode },
      });
    } catch (e) {
      if (!(e instanceof ApiError)) {
        setOtherErrors([t('error.network')]);
        return;
      }
      const field: FieldDefect[] = [];
      const byMaterial: Record<string, string[]> = {};
      const other: string[] = [];
      for (const problem of e.problem.errors ?? []) {
        const name = (problem.field ?? problem.path ?? '').replace(/^body\./, '').replace(/^\//, '');
        const message = translate(problem.message);
        const deficiency = /^deficiencies\[(\d+)\]/.exec(name);
        if (name === 'application' || name.startsWith('application.')) {
          field.push({ path: name.replace(/^application\.?/, ''), message });
        } else if (name.startsWith('materials.')) {
          const id = name.slice('materials.'.length);
          byMaterial[id] = [...(byMaterial[id] ?? []), message];
        } else if (deficiency && deficiencyOf[Number(deficiency[1])]) {
          const id = deficiencyOf[Number(deficiency[1])]!;
          byMaterial[id] = [...(byMaterial[id] ?? []), message];
        } else other.push(name ? `${name}: ${message}` : message);
      }
      if (!e.problem.errors?.length) other.push(e.problem.detail || e.problem.title);
      setServer({ defects: field, snapshot: formData });
      setMaterialErrors(byMaterial);
      setOtherErrors(other);
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } finally {
      setBusy(false);
    }
  };

  const materialTitle = (id: string) =>
    localTitle(definition.materials.find((m) => m.id === id)?.title ?? id, lang);
  const defects = [
    ...formDefects.map((d, i) => ({
      key: `f${i}`,
      label: d.path ? pathTitle(definition.form, definition.id, d.path, lang) : t('intake.form'),
      message: d.message,
    })),
    ...Object.entries(materialErrors).flatMap(([id, messages]) =>
      messages.map((message, i) => ({ key: `m${id}${i}`, label: materialTitle(id), message })),
    ),
    ...otherErrors.map((message, i) => ({ key: `o${i}`, label: '', message })),
  ];
  const showNotice = attempted && defects.length > 0;

  return (
    <div>
      <Typography.Title level={2}>
        {localTitle(definition.title, lang)}
        <Typography.Text type="secondary" className="title-note">
          {t('intake.version', { version: definition.version })}
        </Typography.Text>
      </Typography.Title>
      <Typography.Paragraph>
        <Link to="/clerk">{t('intake.back')}</Link>
      </Typography.Paragraph>
      {showNotice && <Defects defects={defects} />}
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={14}>
          <Card title={<h3 className="card-title">{t('intake.form')}</h3>}>
            <Form
              schema={schema}
              uiSchema={uiSchema}
              formData={formData}
              validator={validator}
              noValidate
              showErrorList={false}
              idPrefix="root"
              idSeparator="."
              templates={{ ObjectFieldTemplate: GroupTemplate }}
              extraErrors={errorSchema(formDefects)}
              onChange={(e) => onChange(e.formData as Record<string, unknown>)}
              onBlur={(id) =>
                setTouched((s) => new Set(s).add(id.replace(/^root\.?/, '').replace(/-\d+$/, '')))
              }
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={<h3 className="card-title">{t('intake.steps')}</h3>}>
            <ul className="plain-list">
              {applicable.map((s) => (
                <li key={s.id}>
                  <Tag className="tag-ok">{t('intake.applies')}</Tag>
                  {localTitle(s.title, lang)}
                </li>
              ))}
              {notApplicable.map((s) => (
                <li key={s.id}>
                  <Tag className="tag-muted">{t('intake.notApplicable')}</Tag>
                  <span className="muted">{localTitle(s.title, lang)}</span>
                </li>
              ))}
            </ul>
          </Card>
          <MaterialsChecklist
            definition={definition}
            needed={needed}
            uploads={uploads}
            onUploaded={(id, upload) => {
              setUploads((u) => ({ ...u, [id]: upload }));
              setMaterialErrors((m) => {
                const { [id]: _gone, ...rest } = m;
                return rest;
              });
            }}
            waivers={waivers}
            onWaivers={setWaivers}
            errors={materialErrors}
          />
          <Space className="block-gap">
            <Button type="primary" size="large" loading={busy} onClick={() => void submit()}>
              {t('intake.submit')}
            </Button>
          </Space>
        </Col>
      </Row>
    </div>
  );
}
