/** The leader's standing book (台账): figures, drill-down task lists, ranking, trend, assessment, exports; hotspots. */
import { BarChartOutlined, FireOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const StandingBook = lazy(() => import('../pages/leader/StandingBookPage'));
const DrillDown = lazy(() => import('../pages/leader/DrillDownPage'));
const Hotspots = lazy(() => import('../pages/leader/HotspotsPage'));

const readers = ['leader', 'supervisor', 'auditor'] as const;

export const routes: AppRoute[] = [
  {
    path: '/leader',
    element: <StandingBook />,
    access: [...readers],
    menu: { key: 'standing-book', icon: <BarChartOutlined />, labelKey: 'leader:menu.standingBook', order: 30 },
  },
  { path: '/leader/tasks', element: <DrillDown />, access: [...readers] },
  {
    path: '/leader/hotspots',
    element: <Hotspots />,
    access: ['leader', 'supervisor'],
    menu: { key: 'hotspots', icon: <FireOutlined />, labelKey: 'leader:menu.hotspots', order: 31 },
  },
];
