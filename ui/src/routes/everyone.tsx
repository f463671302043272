/** Pages every signed-in user has: home (what needs me now), inbox, notification settings, password, status. */
import { BellOutlined, HomeOutlined, SettingOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';
// Also the forced change at sign-in, so it is in the main chunk anyway.
import { ChangePasswordPage } from '../pages/ChangePassword';

const Home = lazy(() => import('../pages/Home'));
const Inbox = lazy(() => import('../pages/Inbox'));
const NotificationSettings = lazy(() => import('../pages/NotificationSettings'));
const Status = lazy(() => import('../pages/Status'));

export const routes: AppRoute[] = [
  { path: '/', element: <Home />, menu: { key: 'home', icon: <HomeOutlined />, labelKey: 'shell:menu.home', order: 0 } },
  { path: '/inbox', element: <Inbox />, menu: { key: 'inbox', icon: <BellOutlined />, labelKey: 'shell:menu.inbox', order: 90 } },
  {
    path: '/settings/notifications',
    element: <NotificationSettings />,
    menu: { key: 'settings', icon: <SettingOutlined />, labelKey: 'shell:menu.settings', order: 95 },
  },
  { path: '/password', element: <ChangePasswordPage /> },
  { path: '/status', element: <Status /> },
];
