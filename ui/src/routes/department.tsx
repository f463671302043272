/** A department's own work: my tasks (by urgency) and the task page with every action. */
import { CheckSquareOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const MyTasks = lazy(() => import('../pages/department/MyTasksPage'));
const TaskPage = lazy(() => import('../pages/department/TaskPage'));

export const routes: AppRoute[] = [
  {
    path: '/tasks',
    element: <MyTasks />,
    access: ['department'],
    menu: { key: 'tasks', icon: <CheckSquareOutlined />, labelKey: 'shell:menu.myTasks', order: 5 },
  },
  { path: '/items/:itemId/tasks/:taskId', element: <TaskPage />, access: ['department'] },
];
