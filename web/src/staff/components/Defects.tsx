// The one-time notice (一次性告知): every defect of a submission in one list, each naming its field.
import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

export interface Defect {
  key: string;
  label: string;
  message: string;
}

export function Defects({ defects, title }: { defects: Defect[]; title?: string }) {
  const { t } = useTranslation();
  if (defects.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      className="block-gap defects"
      title={title ?? t('defect.summary', { count: defects.length })}
      description={
        <ol>
          {defects.map((d) => (
            <li key={d.key}>
              {d.label ? (
                <strong>
                  {d.label}
                  {t('common.colon')}
                </strong>
              ) : null}
              {d.message}
            </li>
          ))}
        </ol>
      }
    />
  );
}
