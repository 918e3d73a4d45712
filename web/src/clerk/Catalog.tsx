// The clerk's first page: the catalog of life events (一件事) to start an application for.
import { Alert, Button, Card, Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { localTitle } from '../shared/bilingual.ts';
import { useProcesses } from '../staff/queries.ts';
import { PageLoading } from '../staff/StaffLayout.tsx';

export default function Catalog() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { data, error } = useProcesses();
  const navigate = useNavigate();
  if (error) return <Alert type="error" showIcon title={t('error.load')} description={error.message} />;
  if (!data) return <PageLoading />;
  return (
    <div>
      <Typography.Title level={2}>{t('catalog.title')}</Typography.Title>
      <Typography.Paragraph>{t('catalog.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {data.map((p) => (
          <Col key={p.id} xs={24} md={12} xl={8}>
            <Card
              title={<h3 className="card-title">{localTitle(p.title, lang)}</h3>}
              actions={[
                <Button
                  key="start"
                  type="primary"
                  aria-label={t('catalog.startFor', { title: localTitle(p.title, lang) })}
                  onClick={() => navigate(`/clerk/intake/${p.id}`)}
                >
                  {t('catalog.start')}
                </Button>,
              ]}
            >
              <Typography.Paragraph className="small">{p.description}</Typography.Paragraph>
              <div className="small">
                <strong>{t('catalog.departments')}</strong>
                {t('common.colon')}
                {p.departments.map((d) => localTitle(d.name, lang)).join('、')}
              </div>
              <div className="small muted">{t('catalog.steps', { count: p.steps.length })}</div>
            </Card>
          </Col>
        ))}
      </Row>
    </div>
  );
}
