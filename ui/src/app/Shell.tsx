/**
 * The signed-in frame in Ant Design Pro's manner: a side menu of the pages the role may use, a
 * small header with the language switch, the inbox bell and the user menu. On a phone the menu is
 * a drawer behind a button, and the header stays one 48 px row.
 */
import { BellOutlined, GlobalOutlined, LockOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { Badge, Button, Drawer, Dropdown, Grid, Layout, Menu, Tooltip, Typography } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { useUnread } from '../api/queries';
import { useLiveUpdates } from '../live/useLiveUpdates';
import { userTimeZone } from '../lib/format';
import { currentLang, setLang } from './i18n';
import { menuFor } from './registry';
import { useSignOut, useUser } from './session';
import { FullPageSpin } from '../components/FullPageSpin';

export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation('shell');
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const live = useLiveUpdates(true);
  const location = useLocation();

  const entries = menuFor(user.role);
  // The entry whose path is the longest prefix of the current one is selected.
  const selected = entries
    .filter((r) => location.pathname === r.path || location.pathname.startsWith(r.path.replace(/\/$/, '') + '/'))
    .sort((a, b) => b.path.length - a.path.length)[0]?.menu?.key;
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      onClick={() => setDrawer(false)}
      aria-label={t('mainNav')}
      items={entries.map((r) => ({ key: r.menu!.key, icon: r.menu!.icon, label: <Link to={r.path}>{t(r.menu!.labelKey)}</Link> }))}
    />
  );

  return (
    <Layout className="shell" data-live={live}>
      {!phone && (
        <Layout.Sider width={208} theme="light" className="shell-sider" breakpoint="lg" collapsible>
          <Link to="/" className="brand">
            <span className="brand-mark">督</span>
            <span className="brand-name">{t('common:appName')}</span>
          </Link>
          <nav className="main-nav" aria-label={t('mainNav')}>
            {menu}
          </nav>
        </Layout.Sider>
      )}
      {phone && (
        <Drawer placement="left" open={drawer} onClose={() => setDrawer(false)} size={260} title={t('common:appName')} styles={{ body: { padding: 0 } }}>
          <nav className="main-nav" aria-label={t('mainNav')}>
            {menu}
          </nav>
        </Drawer>
      )}
      <Layout>
        <Layout.Header className="shell-header">
          {phone && <Button type="text" icon={<MenuOutlined />} aria-label={t('openMenu')} onClick={() => setDrawer(true)} className="tap" />}
          {phone && (
            <Link to="/" className="brand brand-phone">
              {t('common:appName')}
            </Link>
          )}
          <div className="header-spacer" />
          <HeaderTools phone={phone} live={live} />
        </Layout.Header>
        <Layout.Content className="shell-content">
          <Suspense fallback={<FullPageSpin />}>{children}</Suspense>
        </Layout.Content>
        <Layout.Footer className="shell-footer">
          <Typography.Text type="secondary">{t('common:timeZone', { tz: userTimeZone })}</Typography.Text>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}

function HeaderTools({ phone, live }: { phone: boolean; live: string }) {
  const { t } = useTranslation('shell');
  const user = useUser();
  const unread = useUnread().data ?? 0;
  const signOut = useSignOut();
  const navigate = useNavigate();
  const lang = currentLang();
  return (
    <div className="header-tools">
      <Tooltip title={live === 'polling' ? t('polling') : null}>
        <span className={`live-dot live-${live}`} aria-hidden="true" />
      </Tooltip>
      <Button type="text" icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={`${t('language')} · ${t('languageLabel')}`} className="tap lang-switch">
        {t('language')}
      </Button>
      <Link to="/inbox" aria-label={unread > 0 ? `${t('inbox')} · ${t('unread', { count: unread })}` : t('inbox')} className="bell tap">
        <Badge count={unread} size="small" data-testid="unread-count">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Link>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'who', label: `${user.displayName} · ${t(`common:roles.${user.role}`)}`, disabled: true },
            { type: 'divider' },
            { key: 'password', icon: <LockOutlined />, label: t('changePassword'), onClick: () => void navigate('/password') },
            { key: 'signout', icon: <LogoutOutlined />, label: t('signOut'), onClick: signOut },
          ],
        }}
      >
        <Button type="text" icon={<UserOutlined />} aria-label={t('userMenu')} className="tap user-menu">
          {!phone && user.displayName}
        </Button>
      </Dropdown>
    </div>
  );
}
