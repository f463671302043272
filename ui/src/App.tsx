import { lazy, Suspense, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { api, get, setCsrfToken, setOnUnauthenticated, type Department, type Page, type Session } from './api';
import { PlatformHealth } from './components/Health';
import { Loading } from './components/ui';
import { initialLang, LangContext, messages, useI18n, type Lang } from './i18n';
import { ChangePasswordPage } from './pages/ChangePassword';
import { InboxPage } from './pages/Inbox';
import { ItemDetailPage } from './pages/ItemDetail';
import { ItemsPage } from './pages/Items';
import { LaunchPage } from './pages/Launch';
import { LoginPage } from './pages/Login';
import { NotificationSettingsPage } from './pages/NotificationSettings';
import { SessionContext, useSession, type SessionValue } from './session';
import { userTimeZone } from './format';

// The chart library is the bulk of the bundle: only the dashboard loads it.
const DashboardPage = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })));

const DASHBOARD_ROLES = ['leader', 'supervisor', 'auditor'];
const LAUNCH_ROLES = ['leader', 'supervisor'];

/** The app: language, session (cookie; /api/me), and the pages behind the login. */
export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const toggle = useCallback(() => {
    setLang((current) => {
      const next = current === 'zh' ? 'en' : 'zh';
      localStorage.setItem('lang', next);
      return next;
    });
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const i18n = useMemo(() => ({ lang, t: messages[lang], toggle }), [lang, toggle]);

  // undefined: still asking /api/me; null: logged out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    setOnUnauthenticated(() => {
      setCsrfToken(null);
      setSession(null);
    });
    api<Session>('GET', '/api/me', { quiet401: true })
      .then((me) => {
        setCsrfToken(me.csrfToken);
        setSession(me);
      })
      .catch(() => setSession(null));
    return () => setOnUnauthenticated(null);
  }, []);

  const refreshMe = useCallback(() => {
    api<Session>('GET', '/api/me')
      .then((me) => {
        setCsrfToken(me.csrfToken);
        setSession(me);
      })
      .catch(() => {});
  }, []);

  const logout = useCallback(() => {
    api('POST', '/api/auth/logout', { quiet401: true })
      .catch(() => {})
      .finally(() => {
        setCsrfToken(null);
        setSession(null);
      });
  }, []);

  return (
    <LangContext.Provider value={i18n}>
      {session === undefined ? (
        <Shell>
          <Loading />
        </Shell>
      ) : session === null ? (
        <Shell>
          <LoginPage onLogin={setSession} />
        </Shell>
      ) : (
        <LoggedIn key={session.user.id} session={session} logout={logout} refreshMe={refreshMe} />
      )}
    </LangContext.Provider>
  );
}

function LoggedIn({ session, logout, refreshMe }: { session: Session; logout: () => void; refreshMe: () => void }) {
  const [departments, setDepartments] = useState<Department[]>([]);
  const [unread, setUnread] = useState(0);
  const forced = session.user.mustChangePassword;

  useEffect(() => {
    if (forced) return;
    // Every department (the list API pages at 200 at most), for names and pickers.
    void (async () => {
      const all: Department[] = [];
      for (let page = 1; page <= 50; page++) {
        const answer = await get<Page<Department>>(`/api/departments?pageSize=200&page=${page}`);
        all.push(...answer.items);
        if (answer.items.length === 0 || all.length >= answer.total) break;
      }
      setDepartments(all);
    })().catch(() => {});
  }, [forced]);

  const refreshUnread = useCallback(() => {
    get<{ unread: number }>('/api/inbox?pageSize=1')
      .then((page) => setUnread(page.unread))
      .catch(() => {});
  }, []);
  useEffect(() => {
    if (forced) return;
    refreshUnread();
    const timer = setInterval(refreshUnread, 30_000);
    return () => clearInterval(timer);
  }, [forced, refreshUnread]);

  const value: SessionValue = useMemo(
    () => ({ user: session.user, departments, unread, refreshUnread, logout }),
    [session.user, departments, unread, refreshUnread, logout],
  );

  return (
    <SessionContext.Provider value={value}>
      <Shell nav={!forced}>
        {forced ? (
          <ChangePasswordPage forced onChanged={refreshMe} />
        ) : (
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<Navigate to={DASHBOARD_ROLES.includes(session.user.role) ? '/dashboard' : '/items'} replace />} />
              <Route path="/items" element={<ItemsPage />} />
              <Route path="/items/:id" element={<ItemDetailPage />} />
              <Route path="/launch" element={LAUNCH_ROLES.includes(session.user.role) ? <LaunchPage /> : <Forbidden />} />
              <Route path="/dashboard" element={DASHBOARD_ROLES.includes(session.user.role) ? <DashboardPage /> : <Forbidden />} />
              <Route path="/inbox" element={<InboxPage />} />
              <Route path="/password" element={<ChangePasswordPage forced={false} onChanged={() => {}} />} />
              <Route path="/settings/notifications" element={<NotificationSettingsPage />} />
              <Route
                path="/status"
                element={
                  <div className="page">
                    <PlatformHealth />
                  </div>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        )}
      </Shell>
    </SessionContext.Provider>
  );
}

function Forbidden() {
  const { t } = useI18n();
  return <p className="page muted">{t.forbidden}</p>;
}

function NotFound() {
  const { t } = useI18n();
  return <p className="page muted">{t.notFound}</p>;
}

/** Header (title, navigation when logged in, user, language), the page, and a footer. */
function Shell({ children, nav = false }: { children: ReactNode; nav?: boolean }) {
  const { t, toggle } = useI18n();
  const session = useSessionOrNull();
  return (
    <div className="shell">
      <header>
        <div className="brand">
          <h1>{t.title}</h1>
          <p>{t.subtitle}</p>
        </div>
        {session && nav && <MainNav />}
        <div className="header-tools">
          {session && (
            <>
              <span className="who">{t.auth.signedInAs(session.user.displayName, t.roles[session.user.role])}</span>
              {nav && (
                <>
                  <NavLink to="/settings/notifications" className="header-link">
                    {t.notifySettings.link}
                  </NavLink>
                  <NavLink to="/password" className="header-link">
                    {t.auth.changePassword}
                  </NavLink>
                </>
              )}
              <button type="button" onClick={session.logout}>
                {t.auth.logout}
              </button>
            </>
          )}
          <button type="button" onClick={toggle}>
            {t.language}
          </button>
        </div>
      </header>
      <main>{children}</main>
      <footer>
        <span>{t.common.timeZone(userTimeZone)}</span>
        {session && <NavLink to="/status">{t.nav.status}</NavLink>}
      </footer>
    </div>
  );
}

function useSessionOrNull(): SessionValue | null {
  return useContext(SessionContext);
}

function MainNav() {
  const { t } = useI18n();
  const { user, unread } = useSession();
  return (
    <nav className="main-nav" aria-label={t.nav.main}>
      {DASHBOARD_ROLES.includes(user.role) && <NavLink to="/dashboard">{t.nav.dashboard}</NavLink>}
      <NavLink to="/items" end={false}>
        {t.nav.items}
      </NavLink>
      {LAUNCH_ROLES.includes(user.role) && <NavLink to="/launch">{t.nav.launch}</NavLink>}
      <NavLink to="/inbox" aria-label={unread > 0 ? `${t.nav.inbox} · ${t.inbox.unread(unread)}` : t.nav.inbox}>
        {t.nav.inbox}
        {unread > 0 && (
          <span className="count" data-testid="unread-count">
            {unread}
          </span>
        )}
      </NavLink>
    </nav>
  );
}
