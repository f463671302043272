/** The hotline loop: the operator's desk (signed in) and the citizen's submit and query pages (public). */
import { PhoneOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const Appeals = lazy(() => import('../pages/appeals/AppealsPage'));
const CitizenAppeal = lazy(() => import('../pages/public/CitizenAppealPage'));

export const routes: AppRoute[] = [
  { path: '/appeals', element: <Appeals />, access: ['operator', 'supervisor'], homeFor: ['operator'], menu: { key: 'appeals', icon: <PhoneOutlined />, labelKey: 'appeals:menu', order: 15 } },
  { path: '/public/appeal', element: <CitizenAppeal />, access: 'public' },
];
