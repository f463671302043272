import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import sse from '@fastify/sse';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps';
import { installAuth } from './plugins/auth';
import { installAuditLog } from './plugins/audit-log';
import { installCommitBeforeAnswer } from './plugins/commit-before-answer';
import { installControlCharacterCheck } from './plugins/control-characters';
import { installDocs } from './plugins/docs';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandler } from './plugins/error-handler';
import { installGracefulClose } from './plugins/graceful-close';
import { installIdempotency } from './plugins/idempotency';
import { installRateLimit } from './plugins/rate-limit';
import { mountBullBoard } from './plugins/bull-board';
import { serveUi } from './plugins/ui';
import { accountabilityRoutes } from './routes/accountability';
import { attachmentRoutes } from './routes/attachments';
import { aiRoutes } from './routes/ai';
import { appealRoutes } from './routes/appeals';
import { auditRoutes } from './routes/audit';
import { auditLogRoutes } from './routes/audit-log';
import { auditLogVerifyRoutes } from './routes/audit-log-verify';
import { authRoutes } from './routes/auth';
import { calendarRoutes } from './routes/calendar';
import { assessmentRoutes } from './routes/assessment';
import { dashboardRoutes } from './routes/dashboard';
import { eventRoutes, HEARTBEAT_MS } from './routes/events';
import { exportRoutes } from './routes/exports';
import { reportRoutes } from './routes/reports';
import { departmentRoutes } from './routes/departments';
import { healthRoutes } from './routes/health';
import { projectionFailureRoutes } from './routes/projection-failures';
import { intakeRoutes } from './routes/intake';
import { itemRoutes } from './routes/items';
import { matterRoutes } from './routes/matters';
import { meRoutes } from './routes/me';
import { notificationRoutes } from './routes/notifications';
import { pingDbRoutes } from './routes/ping-db';
import { publicRoutes } from './routes/public';
import { publicAppealRoutes } from './routes/public-appeals';
import { smsSettingsRoutes } from './routes/sms-settings';
import { taskRoutes } from './routes/tasks';
import { templateRoutes } from './routes/templates';
import { userRoutes } from './routes/users';

/**
 * Builds the API: outside-world plugins first (security, docs), then routes, then the UI.
 * Tests call this and use app.inject or listen on port 0.
 */
export async function buildApp(deps: ApiDeps, options: { logger?: boolean; logStream?: { write(line: string): void } } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // JSON request logs (pino) with reqId, and userId once the auth hook knows the caller.
    logger: options.logger === false ? false : { level: deps.config.LOG_LEVEL, ...(options.logStream ? { stream: options.logStream } : {}) },
    // The id lands in the audit log: a caller may not choose it, only our own load balancer (TRUST_PROXY).
    genReqId: (request) => {
      const forwarded = request.headers['x-request-id'];
      return deps.config.TRUST_PROXY && typeof forwarded === 'string' && /^[\w.:-]{1,64}$/.test(forwarded) ? forwarded : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: deps.config.TRUST_PROXY,
    // Refusals made before a route is found still answer in the `{error}` shape (plugins/error-handler.ts).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installGracefulClose(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] },
    },
  });
  // CORS stays off (same-origin UI) unless CORS_ORIGINS lists the origins allowed to call with credentials.
  if (deps.config.CORS_ORIGINS) {
    const origins = deps.config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
    await app.register(cors, { origin: origins, credentials: true });
  }
  await app.register(swagger, {
    openapi: {
      info: { title: 'Supervision platform API (督查督办)', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  // Request hooks every route gets: who is asking (and may they), then Idempotency-Key replay.
  await installRateLimit(app, deps);
  await installAuth(app, deps);
  await installDocs(app, deps);
  // After the caller is known (a forbidden caller still gets 401/403), before any schema or service.
  installControlCharacterCheck(app);
  installIdempotency(app, deps);
  installAuditLog(app, deps);
  installCommitBeforeAnswer(app);

  await app.register(healthRoutes(deps));
  await app.register(projectionFailureRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(meRoutes(deps));
  await app.register(pingDbRoutes(deps));
  await app.register(departmentRoutes(deps));
  await app.register(userRoutes(deps));
  await app.register(calendarRoutes(deps));
  await app.register(templateRoutes(deps));
  await app.register(smsSettingsRoutes(deps));
  await app.register(auditLogRoutes(deps));
  await app.register(auditLogVerifyRoutes(deps));
  await app.register(itemRoutes(deps));
  await app.register(taskRoutes(deps));
  await app.register(accountabilityRoutes(deps));
  await app.register(attachmentRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(publicRoutes(deps));
  await app.register(appealRoutes(deps));
  await app.register(publicAppealRoutes(deps));
  await app.register(dashboardRoutes(deps));
  await app.register(aiRoutes(deps));
  await app.register(reportRoutes(deps));
  await app.register(exportRoutes(deps));
  await app.register(assessmentRoutes(deps));
  await app.register(intakeRoutes(deps));
  await app.register(matterRoutes(deps));

  await app.register(notificationRoutes(deps));
  await app.register(sse, { heartbeatInterval: HEARTBEAT_MS });
  await app.register(eventRoutes(deps));
  await mountBullBoard(app, deps);

  await serveUi(app);
  return app;
}
