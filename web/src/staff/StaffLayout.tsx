// The frame of every staff page: who is signed in, the navigation of their role, the language switch.
import { Button, Layout, Menu, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { localTitle } from '../shared/bilingual.ts';
import type { Role } from '../shared/types.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { useSession } from './session.tsx';

const NAV: Record<Role, { to: string; label: string }[]> = {
  clerk: [
    { to: '/clerk', label: 'nav.intake' },
    { to: '/clerk/supplements', label: 'nav.supplements' },
    { to: '/clerk/cases', label: 'nav.clerkCases' },
  ],
  department: [
    { to: '/tasks', label: 'nav.worklist' },
    { to: '/tasks/incidents', label: 'nav.incidents' },
    { to: '/tasks/follow-ups', label: 'nav.followUps' },
  ],
  manager: [
    { to: '/manager', label: 'nav.dashboard' },
    { to: '/manager/cases', label: 'nav.search' },
    { to: '/manager/follow-ups', label: 'nav.followUps' },
  ],
  admin: [
    { to: '/admin/users', label: 'nav.users' },
    { to: '/admin/processes', label: 'nav.processes' },
    { to: '/admin/calendars', label: 'nav.calendars' },
    { to: '/manager/cases', label: 'nav.search' },
  ],
};

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="page-loading" role="status">
      <Spin />
      <span>{t('common.loading')}</span>
    </div>
  );
}

export default function StaffLayout() {
  const { t, i18n } = useTranslation();
  const { user, signOut } = useSession();
  const location = useLocation();
  if (user === undefined) return <PageLoading />;
  if (user === null) return <Navigate to="/login" replace />;

  const items = NAV[user.role];
  // The longest matching prefix is the current section.
  const selected = items
    .map((i) => i.to)
    .filter((to) => location.pathname === to || location.pathname.startsWith(`${to}/`))
    .sort((a, b) => b.length - a.length)[0];

  return (
    <Layout className="staff-layout">
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <Layout.Header className="staff-header">
        <Typography.Text className="brand" strong>
          {t('app.title')}
        </Typography.Text>
        <nav aria-label={t('nav.label')} className="staff-nav">
          <Menu
            mode="horizontal"
            disabledOverflow
            selectedKeys={selected ? [selected] : []}
            items={items.map((i) => ({ key: i.to, label: <Link to={i.to}>{t(i.label)}</Link> }))}
          />
        </nav>
        <div className="staff-user">
          <span className="who">
            {[...new Set([localTitle(user.displayName, i18n.language), t(`role.${user.role}`)])].join(' · ')}
          </span>
          <LanguageSwitch />
          <Button size="small" onClick={() => void signOut()}>
            {t('login.signOut')}
          </Button>
        </div>
      </Layout.Header>
      <Layout.Content>
        <main id="main" className="staff-main" tabIndex={-1}>
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
