// Routes of the staff app. Each role's area is its own chunk (React.lazy), loaded only by that role.
import { App as AntApp, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import type { Role } from '../shared/types.ts';
import LoginPage from './LoginPage.tsx';
import StaffLayout from './StaffLayout.tsx';
import { homeOf, SessionProvider, useSession } from './session.tsx';
import { theme } from './theme.ts';

const ClerkArea = lazy(() => import('../clerk/ClerkArea.tsx'));
const DepartmentArea = lazy(() => import('../department/DepartmentArea.tsx'));
const ManagerArea = lazy(() => import('../manager/ManagerArea.tsx'));
const AdminArea = lazy(() => import('../admin/AdminArea.tsx'));

function RoleGate({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user } = useSession();
  const { t } = useTranslation();
  if (!user) return null;
  if (!roles.includes(user.role)) {
    return <Result status="403" title={t('error.forbiddenTitle')} subTitle={t('error.notYourArea')} />;
  }
  return <>{children}</>;
}

function Home() {
  const { user } = useSession();
  return user ? <Navigate to={homeOf(user)} replace /> : <Navigate to="/login" replace />;
}

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language.startsWith('zh') ? zhCN : enUS}
      theme={theme}
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <BrowserRouter>
          <SessionProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<StaffLayout />}>
                <Route index element={<Home />} />
                <Route
                  path="clerk/*"
                  element={
                    <RoleGate roles={['clerk']}>
                      <ClerkArea />
                    </RoleGate>
                  }
                />
                <Route
                  path="tasks/*"
                  element={
                    <RoleGate roles={['department']}>
                      <DepartmentArea />
                    </RoleGate>
                  }
                />
                <Route
                  path="manager/*"
                  element={
                    <RoleGate roles={['manager', 'admin']}>
                      <ManagerArea />
                    </RoleGate>
                  }
                />
                <Route
                  path="admin/*"
                  element={
                    <RoleGate roles={['admin']}>
                      <AdminArea />
                    </RoleGate>
                  }
                />
                <Route path="*" element={<Home />} />
              </Route>
            </Routes>
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
