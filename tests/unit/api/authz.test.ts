import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import {
  accessOf,
  actorOf,
  assertDepartmentVisible,
  assertOwnDepartment,
  canReadDepartment,
  enforceAccess,
  requireRole,
  requireUser,
  type SessionUser,
} from '../../../api/authz';
import { AppError } from '../../../api/errors';

const user = (role: SessionUser['role'], departmentId: string | null = null): SessionUser => ({ id: 'u1', username: 'u', displayName: '张三', role, departmentId });
const request = (u: SessionUser | null) => ({ user: u }) as FastifyRequest;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return (error as AppError).code;
  }
};

describe('requireUser / requireRole / enforceAccess', () => {
  it('401 without a user, 403 for another role, the user otherwise', () => {
    expect(codeOf(() => requireUser(request(null)))).toBe('unauthenticated');
    expect(codeOf(() => requireRole(request(user('auditor')), 'admin'))).toBe('forbidden');
    expect(requireRole(request(user('admin')), 'admin', 'auditor').role).toBe('admin');
    expect(codeOf(() => enforceAccess(request(null), 'public'))).toBe('ok');
    expect(codeOf(() => enforceAccess(request(null), 'user'))).toBe('unauthenticated');
    expect(codeOf(() => enforceAccess(request(user('leader')), ['supervisor']))).toBe('forbidden');
  });

  it('routes under /api need a login unless they say otherwise; the rest is public', () => {
    expect(accessOf('/api/items', undefined)).toBe('user');
    expect(accessOf('/api/health', 'public')).toBe('public');
    expect(accessOf('/public/items', undefined)).toBe('public');
    expect(accessOf('/api/users', ['admin'])).toEqual(['admin']);
  });
});

describe('department isolation', () => {
  it('department staff read only their own department; every other role reads all', () => {
    expect(canReadDepartment(user('department', 'd1'), 'd1')).toBe(true);
    expect(canReadDepartment(user('department', 'd1'), 'd2')).toBe(false);
    expect(canReadDepartment(user('department', null), null)).toBe(false);
    for (const role of ['admin', 'supervisor', 'leader', 'auditor'] as const) expect(canReadDepartment(user(role), 'd2')).toBe(true);
  });

  it("another department's record answers 404 (not 403), so its existence does not leak", () => {
    expect(codeOf(() => assertDepartmentVisible(user('department', 'd1'), ['d2', 'd3'], 'item'))).toBe('not_found');
    expect(codeOf(() => assertDepartmentVisible(user('department', 'd1'), ['d2', 'd1']))).toBe('ok');
    expect(codeOf(() => assertOwnDepartment(user('department', 'd1'), 'd2'))).toBe('not_found');
    expect(codeOf(() => assertOwnDepartment(user('supervisor', 'd2'), 'd2'))).toBe('forbidden');
    expect(codeOf(() => assertOwnDepartment(user('department', 'd2'), 'd2'))).toBe('ok');
  });

  it('actorOf gives the domain actor', () => {
    expect(actorOf(user('department', 'd1'))).toEqual({ userId: 'u1', name: '张三', role: 'department', departmentId: 'd1' });
  });
});
