/** Items: the list (with saved filters and bulk urge), the item page, and the launch wizard. */
import { FileSearchOutlined, RocketOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const Items = lazy(() => import('../pages/items/ItemsPage'));
const ItemDetail = lazy(() => import('../pages/items/ItemPage'));
const Launch = lazy(() => import('../pages/launch/LaunchPage'));

export const routes: AppRoute[] = [
  {
    path: '/items',
    element: <Items />,
    menu: {
      key: 'items',
      icon: <FileSearchOutlined />,
      labelKey: 'shell:menu.items',
      order: 10,
      roles: ['supervisor', 'leader', 'auditor', 'admin'],
    },
  },
  { path: '/items/:id', element: <ItemDetail /> },
  {
    path: '/launch',
    element: <Launch />,
    access: ['supervisor', 'leader'],
    menu: { key: 'launch', icon: <RocketOutlined />, labelKey: 'shell:menu.launch', order: 20 },
  },
];
