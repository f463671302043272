import { randomUUID } from 'node:crypto';
import { notificationDedupeKey, type NotificationRequest } from '../../../../jobs/notifications/request';
import type { TestOrg } from './org';

/** A request as the engine's activity would build it, about a task of the org's department. */
export function requestFor(org: TestOrg, overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  const workflowId = `task-${randomUUID()}`;
  return {
    dedupeKey: notificationDedupeKey(workflowId, 7),
    event: 'assigned',
    urgent: false,
    itemId: randomUUID(),
    itemTitle: '关于加快推进城市更新的批示',
    itemCode: 'DB-2026-0001',
    taskId: workflowId,
    departmentId: org.department.id,
    issuedByUserId: org.issuer,
    occurredAt: new Date().toISOString(),
    ...overrides,
  };
}
