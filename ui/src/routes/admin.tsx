/** The administrator's pages: departments and their channels, users, templates, the calendar, assessment weights, AI assist, early-warning intake, SMS settings. */
import {
  AlertOutlined,
  ApartmentOutlined,
  BulbOutlined,
  CalendarOutlined,
  ControlOutlined,
  FormOutlined,
  MessageOutlined,
  PercentageOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { lazy, type ReactNode } from 'react';
import type { AppRoute } from '../app/route-types';

const Overview = lazy(() => import('../pages/admin/AdminOverviewPage'));
const Departments = lazy(() => import('../pages/admin/DepartmentsPage'));
const Users = lazy(() => import('../pages/admin/UsersPage'));
const Templates = lazy(() => import('../pages/admin/TemplatesPage'));
const Calendar = lazy(() => import('../pages/admin/CalendarPage'));
const Weights = lazy(() => import('../pages/admin/WeightsPage'));
const AiAssist = lazy(() => import('../pages/admin/AiAssistPage'));
const Intake = lazy(() => import('../pages/admin/IntakePage'));
const SmsSettings = lazy(() => import('../pages/admin/SmsSettingsPage'));

const admin = ['admin'] as const;
const entry = (key: string, icon: ReactNode, order: number) => ({ key, icon, labelKey: `admin:menu.${key}`, order });

export const routes: AppRoute[] = [
  { path: '/admin', element: <Overview />, access: [...admin], menu: entry('overview', <ControlOutlined />, 50) },
  { path: '/admin/departments', element: <Departments />, access: [...admin], menu: entry('departments', <ApartmentOutlined />, 51) },
  { path: '/users', element: <Users />, access: [...admin], menu: entry('users', <TeamOutlined />, 52) },
  { path: '/admin/templates', element: <Templates />, access: [...admin], menu: entry('templates', <FormOutlined />, 53) },
  { path: '/calendar', element: <Calendar />, access: [...admin], menu: entry('calendar', <CalendarOutlined />, 54) },
  { path: '/admin/weights', element: <Weights />, access: [...admin], menu: entry('weights', <PercentageOutlined />, 56) },
  { path: '/admin/ai', element: <AiAssist />, access: [...admin], menu: entry('ai', <BulbOutlined />, 57) },
  { path: '/admin/intake', element: <Intake />, access: [...admin], menu: entry('intake', <AlertOutlined />, 58) },
  { path: '/admin/sms', element: <SmsSettings />, access: [...admin], menu: entry('sms', <MessageOutlined />, 59) },
];
