/** The catalogue of supervision matters (监管事项清单): the administrator keeps it. */
import { UnorderedListOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const Matters = lazy(() => import('../pages/admin/MattersPage'));

export const routes: AppRoute[] = [
  { path: '/admin/matters', element: <Matters />, access: ['admin'], menu: { key: 'matters', icon: <UnorderedListOutlined />, labelKey: 'matters:menu.matters', order: 55 } },
];
