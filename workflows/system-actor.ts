import type { Actor } from '../domain';

/** The actor of everything the workflows do on their own: timers, escalations, roll-ups. */
export const SYSTEM_ACTOR: Actor = { userId: 'system', name: 'System', role: 'system', departmentId: null };
