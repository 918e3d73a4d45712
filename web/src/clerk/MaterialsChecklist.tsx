// The materials the applicable steps need: upload each, or (non-core only) accept its absence with a
// date by which it will arrive (容缺受理). Server defects for a material are shown on its row.
import { Card, Checkbox, DatePicker, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.ts';
import { localTitle } from '../shared/bilingual.ts';
import { chinaToday } from '../shared/time.ts';
import type { ProcessDefinition, Upload } from '../shared/types.ts';
import { FileButton } from '../staff/components/FileButton.tsx';
import type { NeededMaterial } from './applicable.ts';
import { uploadMaterial } from './upload.ts';

/** material id -> due date (YYYY-MM-DD) */
export type Waivers = Record<string, string>;

export function MaterialsChecklist({
  definition,
  needed,
  uploads,
  onUploaded,
  waivers,
  onWaivers,
  errors,
}: {
  definition: ProcessDefinition;
  needed: NeededMaterial[];
  uploads: Record<string, Upload>;
  onUploaded: (materialId: string, upload: Upload) => void;
  waivers: Waivers;
  onWaivers: (w: Waivers) => void;
  errors: Record<string, string[]>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [uploadErrors, setUploadErrors] = useState<Record<string, string>>({});

  const upload = async (id: string, file: File) => {
    setBusy((b) => ({ ...b, [id]: true }));
    setUploadErrors(({ [id]: _gone, ...rest }) => rest);
    try {
      onUploaded(id, await uploadMaterial(file));
    } catch (e) {
      const message =
        e instanceof ApiError
          ? e.status === 413
            ? t('materials.tooLarge')
            : e.status === 415
              ? t('materials.wrongType')
              : e.problem.detail
          : t('error.network');
      setUploadErrors((u) => ({ ...u, [id]: message }));
    } finally {
      setBusy((b) => ({ ...b, [id]: false }));
    }
  };

  const defaultDue = dayjs(chinaToday()).add(7, 'day').format('YYYY-MM-DD');
  const missing = needed.filter((n) => !uploads[n.material.id] && !waivers[n.material.id]).length;

  return (
    <Card
      className="block-gap"
      title={<h3 className="card-title">{t('materials.title')}</h3>}
      extra={
        <span aria-live="polite">
          {missing === 0 ? t('materials.allThere') : t('materials.missing', { count: missing })}
        </span>
      }
    >
      {needed.length === 0 && <Typography.Text>{t('materials.none')}</Typography.Text>}
      <ul className="materials">
        {needed.map(({ material, steps }) => {
          const id = material.id;
          const title = localTitle(material.title, lang);
          const done = uploads[id];
          const rowErrors = [...(errors[id] ?? []), ...(uploadErrors[id] ? [uploadErrors[id]!] : [])];
          return (
            <li key={id} className={`material${rowErrors.length > 0 ? ' has-error' : ''}`}>
              <div className="material-head">
                <strong>{title}</strong>
                {material.core ? (
                  <Tag className="tag-core">{t('materials.core')}</Tag>
                ) : (
                  <Tag className="tag-muted">{t('materials.optional')}</Tag>
                )}
              </div>
              <div className="muted small">
                {t('materials.usedBy', { steps: steps.map((s) => localTitle(s.title, lang)).join('、') })}
              </div>
              <div className="material-actions">
                {done ? (
                  <span className="ok-text">
                    {t('materials.uploaded', { name: done.filename, size: Math.ceil(done.size / 1024) })}
                  </span>
                ) : waivers[id] ? (
                  <span className="warn-text">{t('materials.waived', { due: waivers[id] })}</span>
                ) : (
                  <span className="error-text">{t('materials.notUploaded')}</span>
                )}
                <FileButton
                  label={t('materials.uploadLabel', { title })}
                  text={done ? t('materials.replace') : t('materials.upload')}
                  busy={busy[id]}
                  onFile={(file) => void upload(id, file)}
                />
              </div>
              {!material.core && !done && (
                <div className="material-waiver">
                  <Checkbox
                    checked={Boolean(waivers[id])}
                    onChange={(e) => {
                      const { [id]: _gone, ...rest } = waivers;
                      onWaivers(e.target.checked ? { ...rest, [id]: defaultDue } : rest);
                    }}
                  >
                    {t('materials.waive')}
                  </Checkbox>
                  {waivers[id] && (
                    <DatePicker
                      aria-label={t('materials.dueLabel', { title })}
                      value={dayjs(waivers[id])}
                      allowClear={false}
                      disabledDate={(d) => d.isBefore(dayjs(chinaToday()).add(1, 'day'), 'day')}
                      onChange={(d) => d && onWaivers({ ...waivers, [id]: d.format('YYYY-MM-DD') })}
                    />
                  )}
                </div>
              )}
              {rowErrors.length > 0 && (
                <ul className="row-errors" role="alert">
                  {rowErrors.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      <Typography.Paragraph className="muted small">
        {t('materials.hint', { process: localTitle(definition.title, lang) })}
      </Typography.Paragraph>
    </Card>
  );
}
