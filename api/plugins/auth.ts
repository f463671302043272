/**
 * Sets `request.user` from the session cookie or `Authorization: Bearer`, enforces each route's
 * declared `config.access` (before body validation), holds a user whose password an admin set to
 * changing it (403 `password_change_required`), and checks the CSRF header on cookie-
 * authenticated writes. Bearer requests need no CSRF token: a browser never adds that header itself.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findSessionByTokenHash, touchSession } from '../../db/queries/sessions';
import { accessOf, enforceAccess, type Access } from '../authz';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';
import { CSRF_HEADER, SESSION_COOKIE, TOUCH_EVERY_MS, csrfTokenFor, hashSessionToken, sameSecret } from '../services/auth/session-tokens';

export interface SessionInfo {
  id: string;
  tokenHash: string;
  via: 'cookie' | 'bearer';
  mustChangePassword: boolean;
  csrfToken: string;
}

/** One registered route and the access it declared (what the auth hook enforces). */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null;
  }
  interface FastifyInstance {
    /** Every route registered after the auth plugin, with its access: walked by the role tests. */
    routeTable: RouteEntry[];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** All a user whose password an admin set may call until they change it (public routes aside). */
const WHILE_PASSWORD_MUST_CHANGE = new Set(['GET /api/me', 'POST /api/me/password', 'POST /api/auth/logout']);

function assertPasswordChanged(request: FastifyRequest, url: string): void {
  if (!request.session?.mustChangePassword || WHILE_PASSWORD_MUST_CHANGE.has(`${request.method} ${url}`)) return;
  throw new AppError('password_change_required', 'Change your password first (POST /api/me/password).', {
    messageZh: '请先修改密码（管理员设置的初始密码须由本人更改）。',
  });
}

function presentedToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    // A malformed Authorization header is treated as no credentials: the route then answers 401.
    return match ? { token: match[1]!, via: 'bearer' } : null;
  }
  const fromCookie = request.cookies[SESSION_COOKIE];
  return fromCookie ? { token: fromCookie, via: 'cookie' } : null;
}

export async function installAuth(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routeTable.push({ method, url: route.url, access: accessOf(route.url, route.config?.access) });
  });

  app.addHook('onRequest', async (request, reply) => {
    const presented = presentedToken(request);
    if (!presented || presented.token.length > 200) return;
    const tokenHash = hashSessionToken(presented.token);
    const now = new Date();
    const found = await findSessionByTokenHash(deps.database.db, tokenHash, now);
    if (!found) return;
    request.user = { id: found.id, username: found.username, displayName: found.displayName, role: found.role, departmentId: found.departmentId };
    request.session = {
      id: found.sessionId,
      tokenHash,
      via: presented.via,
      mustChangePassword: found.mustChangePassword,
      csrfToken: csrfTokenFor(deps.config.SESSION_SECRET, tokenHash),
    };
    // Every later log line of this request (including Fastify's "request completed") names the user.
    request.log = request.log.child({ userId: found.id });
    reply.log = request.log;
    if (now.getTime() - found.lastSeenAt.getTime() > TOUCH_EVERY_MS) await touchSession(deps.database.db, found.sessionId, now);
  });

  // preValidation runs before the body schema: who may not call a route gets 401/403, never a 400.
  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route matched: the 404 handler answers
    const access = accessOf(url, request.routeOptions.config.access);
    if (access !== 'public') assertPasswordChanged(request, url);
    enforceAccess(request, access);
    // Public routes (login) skip it: a stale cookie must not block logging in again.
    if (access !== 'public' && request.session?.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) {
        throw new AppError('csrf_failed', `Cookie-authenticated writes need the ${CSRF_HEADER} header (from /api/me or the login answer).`);
      }
    }
  });
}
