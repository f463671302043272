import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireUser } from '../authz';
import type { ApiDeps } from '../deps';
import { AppError } from '../errors';
import { errorBody } from '../schemas/errors';
import { sessionUserSchema } from '../schemas/users';
import { changeOwnPassword, login, logout } from '../services/auth/login';
import { LOGIN_ADDRESS_WINDOW, LOGIN_ATTEMPTS_PER_ADDRESS } from '../services/auth/login-throttle';
import { CSRF_HEADER, SESSION_COOKIE } from '../services/auth/session-tokens';

const sessionAnswer = z.object({
  user: sessionUserSchema,
  /** Send it back in the x-csrf-token header on cookie-authenticated writes. */
  csrfToken: z.string(),
});

/** The session as an HttpOnly cookie, Secure whenever the request came over TLS. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: { token: string; expiresAt: Date }): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https', // trustProxy: x-forwarded-proto counts
    path: '/',
    expires: session.expiresAt,
  });
}

export function authRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/auth/login',
      {
        config: { access: 'public', rateLimit: { max: LOGIN_ATTEMPTS_PER_ADDRESS, timeWindow: LOGIN_ADDRESS_WINDOW } },
        schema: {
          tags: ['auth'],
          summary: 'Log in: a bearer token, and the same token as an HttpOnly session cookie',
          body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) }),
          response: { 200: sessionAnswer.extend({ token: z.string(), expiresAt: z.string() }), 401: errorBody, 429: errorBody, 503: errorBody },
        },
      },
      async (request, reply) => {
        request.auditTarget = request.body.username.slice(0, 100); // failed attempts name whom they tried
        const result = await login(deps, request.body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
        request.user = result.user; // the audit log names who logged in
        setSessionCookie(request, reply, result);
        return { token: result.token, expiresAt: result.expiresAt.toISOString(), csrfToken: result.csrfToken, user: result.user };
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { tags: ['auth'], summary: 'End this session (cookie or bearer)', response: { 204: z.null(), 401: errorBody } } },
      async (request, reply) => {
        requireUser(request);
        await logout(deps, request.session!.id);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/me',
      {
        schema: {
          tags: ['auth'],
          summary: `The logged-in user, and the CSRF token for the ${CSRF_HEADER} header`,
          response: { 200: sessionAnswer, 401: errorBody },
        },
      },
      async (request) => {
        const user = requireUser(request);
        const session = request.session!;
        return { user: { ...user, mustChangePassword: session.mustChangePassword }, csrfToken: session.csrfToken };
      },
    );

    app.post(
      '/api/me/password',
      {
        // Its body holds passwords and its answer a session token: neither is kept for replays.
        config: { idempotency: false },
        schema: {
          tags: ['auth'],
          summary: 'Change my password: every session of mine ends, this one too; go on with the new session answered (token, cookie, CSRF token)',
          body: z.object({ current: z.string().min(1).max(1000), next: z.string().min(1).max(1000) }),
          response: { 200: sessionAnswer.extend({ token: z.string(), expiresAt: z.string() }), 400: errorBody, 401: errorBody, 422: errorBody, 429: errorBody, 503: errorBody },
        },
      },
      async (request, reply) => {
        const user = requireUser(request);
        if (!request.session) throw new AppError('unauthenticated', 'No session.');
        const next = await changeOwnPassword(deps, user, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }, request.body);
        setSessionCookie(request, reply, next);
        return { token: next.token, expiresAt: next.expiresAt.toISOString(), csrfToken: next.csrfToken, user: { ...user, mustChangePassword: false } };
      },
    );
  };
}
