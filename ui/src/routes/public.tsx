/** The public disclosure page (no sign-in): items marked public and on-time figures per department. */
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const Disclosure = lazy(() => import('../pages/public/DisclosurePage'));

export const routes: AppRoute[] = [{ path: '/public', element: <Disclosure />, access: 'public' }];
