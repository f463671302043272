/** The auditor's pages: an item's history, replay and verification; the audit log with its chain check. */
import { AuditOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

const AuditItems = lazy(() => import('../pages/auditor/AuditItemsPage'));
const ItemAudit = lazy(() => import('../pages/auditor/ItemAuditPage'));
const AuditLog = lazy(() => import('../pages/auditor/AuditLogPage'));

export const routes: AppRoute[] = [
  { path: '/audit', element: <AuditItems />, access: ['auditor'], menu: { key: 'audit', icon: <SafetyCertificateOutlined />, labelKey: 'auditor:menu.audit', order: 50 } },
  { path: '/items/:id/audit', element: <ItemAudit />, access: ['auditor'] },
  { path: '/audit-log', element: <AuditLog />, access: ['auditor', 'admin'], menu: { key: 'audit-log', icon: <AuditOutlined />, labelKey: 'auditor:menu.auditLog', order: 55 } },
];
