/**
 * Who is asking, and what they may do. Routes declare their audience in `config.access`
 * (enforced before the body is even validated, so a forbidden caller learns nothing from a 400);
 * handlers use these helpers for finer, per-record decisions such as department isolation.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/types';
import type { Role } from '../db/schema/org';
import { AppError } from './errors';

export type { Role };

/** The logged-in user as every route sees it (`request.user`). */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
}

/**
 * Who may call a route: `'public'` (no login), `'user'` (any logged-in user), or a list of roles.
 * Routes under /api default to `'user'`; everything else (UI, /docs, /public) to `'public'`.
 */
export type Access = 'public' | 'user' | readonly Role[];

declare module 'fastify' {
  interface FastifyRequest {
    user: SessionUser | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function requireUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw new AppError('unauthenticated', 'Log in first (session cookie or Authorization: Bearer).');
  return request.user;
}

export function requireRole(request: FastifyRequest, ...roles: Role[]): SessionUser {
  const user = requireUser(request);
  if (!roles.includes(user.role)) throw new AppError('forbidden', `This needs the role ${roles.join(' or ')}.`);
  return user;
}

/** The domain's actor for events recorded on behalf of this user. */
export function actorOf(user: SessionUser): Actor {
  return { userId: user.id, name: user.displayName, role: user.role, departmentId: user.departmentId };
}

/** Roles that read every department's records; department staff see only their own. */
const READS_EVERYTHING: readonly Role[] = ['admin', 'supervisor', 'leader', 'auditor'];

export function canReadDepartment(user: SessionUser, departmentId: string | null): boolean {
  if (READS_EVERYTHING.includes(user.role)) return true;
  return departmentId !== null && user.departmentId === departmentId;
}

/**
 * Department isolation: a record of another department answers 404, exactly like a record that
 * does not exist, so its existence does not leak.
 */
export function assertDepartmentVisible(user: SessionUser, departmentIds: string | null | readonly (string | null)[], what = 'record'): void {
  const ids = Array.isArray(departmentIds) ? departmentIds : [departmentIds];
  if (!ids.some((id) => canReadDepartment(user, id as string | null))) throw new AppError('not_found', `No such ${what}.`);
}

/** For acting on a department's task: only that department's own staff. */
export function assertOwnDepartment(user: SessionUser, departmentId: string, what = 'task'): void {
  if (user.role !== 'department') throw new AppError('forbidden', `Only the responsible department acts on a ${what}.`);
  if (user.departmentId !== departmentId) throw new AppError('not_found', `No such ${what}.`);
}

export function accessOf(url: string, declared: Access | undefined): Access {
  if (declared) return declared;
  return url.startsWith('/api/') ? 'user' : 'public';
}

/** Applies a route's declared access; throws 401/403. */
export function enforceAccess(request: FastifyRequest, access: Access): void {
  if (access === 'public') return;
  if (access === 'user') {
    requireUser(request);
    return;
  }
  requireRole(request, ...access);
}
