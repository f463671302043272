import type { NotificationRequest } from './request';

/** Who hears of an event, by role relative to the task — the design's table, as data. */
export interface Audience {
  departmentStaff: boolean;
  departmentLeader: boolean;
  supervisors: boolean;
  issuer: boolean;
  requester: boolean;
}

const none: Audience = { departmentStaff: false, departmentLeader: false, supervisors: false, issuer: false, requester: false };

export function audienceFor(request: Pick<NotificationRequest, 'event' | 'escalationLevel' | 'requesterUserId'>): Audience {
  switch (request.event) {
    case 'assigned':
    case 'yellow':
    case 'cancelled':
      return { ...none, departmentStaff: true, departmentLeader: true };
    case 'deadlines_changed':
      return { ...none, departmentStaff: true };
    case 'instruction':
      // A leader's instruction (批示) goes to the department and its responsible leader.
      return { ...none, departmentStaff: true, departmentLeader: true };
    case 'submitted':
    case 'extension_requested':
    case 'transfer_requested':
      // The supervision office reviews reports and decides requests.
      return { ...none, supervisors: true };
    case 'red':
      return { ...none, departmentStaff: true, departmentLeader: true, supervisors: true, issuer: true };
    case 'urged':
      return { ...none, departmentStaff: true };
    case 'urge_escalated':
      // First step: the department's responsible leader; second: the supervision office.
      if (request.escalationLevel === 'department_leader') return { ...none, departmentLeader: true };
      if (request.escalationLevel === 'supervision_office') return { ...none, supervisors: true };
      return { ...none, departmentLeader: true, supervisors: true };
    case 'returned':
    case 'extension_decided':
    case 'transfer_decided':
    case 'accepted':
      // Decisions go to whoever asked; without a known requester, to the department that asked.
      return request.requesterUserId ? { ...none, requester: true } : { ...none, departmentStaff: true };
  }
}
