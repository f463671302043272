/** The app: antd theme and locale follow the language; signed out → sign-in (and public pages); signed in → the shell. */
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { FullPageSpin } from '../components/FullPageSpin';
import { ErrorAlert } from '../components/PageContainer';
import { StatusResult } from '../components/StatusResult';
import { ChangePasswordPage } from '../pages/ChangePassword';
import { LoginPage } from '../pages/Login';
import { currentLang } from './i18n';
import { appRoutes, homeOf, mayOpen, routesFor } from './registry';
import { UserContext, useSessionQuery } from './session';
import { Shell } from './Shell';
import { PublicLayout } from './PublicLayout';

/**
 * Links and link buttons in the brand blue rather than antd's #1677ff (4.1:1 on white, below WCAG AA's
 * 4.5:1): #1d5fbf reads 5.3:1 even on a selected row. Hover goes darker, not lighter, for the same reason.
 */
const THEME: ThemeConfig = {
  token: { colorPrimary: '#1d5fbf', colorPrimaryHover: '#0f4299', colorLink: '#1d5fbf', colorLinkHover: '#0f4299', colorLinkActive: '#062a73', borderRadius: 6 },
  components: { Layout: { headerHeight: 56 } },
};

export function App() {
  const { i18n } = useTranslation();
  const lang = currentLang();
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = i18n.t('common:appName');
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  }, [lang, i18n]);
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={THEME}
    >
      <AntApp>
        <SessionGate />
      </AntApp>
    </ConfigProvider>
  );
}

function SessionGate() {
  const session = useSessionQuery();
  if (session.isPending) return <FullPageSpin />;
  if (session.isError) return <ErrorAlert error={session.error} onRetry={() => void session.refetch()} />;
  const me = session.data;
  const publicRoutes = appRoutes.filter((r) => r.access === 'public');
  if (!me) {
    return (
      <Routes>
        {publicRoutes.map((r) => (
          <Route key={r.path} path={r.path} element={<PublicLayout>{r.element}</PublicLayout>} />
        ))}
        <Route path="*" element={<LoginPage />} />
      </Routes>
    );
  }
  if (me.user.mustChangePassword) {
    return (
      <PublicLayout>
        <ChangePasswordPage forced />
      </PublicLayout>
    );
  }
  const role = me.user.role;
  // `/` is the home page unless a route claims a role's landing page.
  const home = homeOf(role);
  return (
    <UserContext.Provider value={me.user}>
      <Shell>
        <Suspense fallback={<FullPageSpin />}>
          <Routes>
            {home !== '/' && <Route path="/" element={<Navigate to={home} replace />} />}
            {routesFor(role).map((r) => (
              <Route key={r.path} path={r.path} element={mayOpen(r, role) ? r.element : <StatusResult status="403" subTitle={<Forbidden />} />} />
            ))}
            <Route path="*" element={<StatusResult status="404" subTitle={<NotFound />} />} />
          </Routes>
        </Suspense>
      </Shell>
    </UserContext.Provider>
  );
}

function Forbidden() {
  const { t } = useTranslation();
  return <>{t('forbidden')}</>;
}

function NotFound() {
  const { t } = useTranslation();
  return <>{t('notFound')}</>;
}
