// Staff sign-in. A wrong password keeps the form and says so; five failures a minute are refused (429).
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { ApiError } from '../shared/api.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { homeOf, useSession } from './session.tsx';

export default function LoginPage() {
  const { t } = useTranslation();
  const { user, notice, signIn } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to={homeOf(user)} replace />;

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const signedIn = await signIn(values.username.trim(), values.password);
      navigate(homeOf(signedIn), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 429) setError(t('login.tooMany'));
      else if (e instanceof ApiError && e.status === 401) setError(t('login.invalid'));
      else setError(t('error.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page">
      <Card className="login-card">
        <div className="login-head">
          <Typography.Title level={1} className="login-title">
            {t('app.title')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <Typography.Paragraph>{t('login.intro')}</Typography.Paragraph>
        {notice && <Alert type="warning" showIcon title={notice} className="block-gap" role="status" />}
        {error && <Alert type="error" showIcon title={error} className="block-gap" role="alert" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, message: t('login.usernameRequired') }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
