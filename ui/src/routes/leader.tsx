/** The leader's standing book (台账): figures, drill-down task lists, ranking, trend, assessment, exports. */
import { BarChartOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const StandingBook = lazy(() => import('../pages/leader/StandingBookPage'));
const DrillDown = lazy(() => import('../pages/leader/DrillDownPage'));

const readers = ['leader', 'supervisor', 'auditor'] as const;

export const routes: AppRoute[] = [
  {
    path: '/leader',
    element: <StandingBook />,
    access: [...readers],
    menu: { key: 'standing-book', icon: <BarChartOutlined />, labelKey: 'leader:menu.standingBook', order: 30 },
  },
  { path: '/leader/tasks', element: <DrillDown />, access: [...readers] },
];
