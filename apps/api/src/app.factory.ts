import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { DomainError, jsonProblem } from '@anom/domain';
import { ProblemFilter, sendProblem } from './common/filters/problem.filter';
import { createValidationPipe } from './common/pipes/validation.pipe';
import type { ApiConfig } from './config/api.config';
import { NdjsonBody } from './ingestion/ingestion.service';
import { parseJsonBody } from './common/json-body';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { MetricsService } from './metrics/metrics.service';
import { registerQueueBoard } from './admin/queue-board';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { REDIS } from './infra/infra.module';
import { SESSION_COOKIE, hashToken } from './auth/auth.service';
import { CSP_DIRECTIVES } from '@anom/contracts';

/**
 * Builds the api (Fastify adapter), ready to `listen` or to `inject` in tests:
 * problem+json for every error, NDJSON ingest, body limit, OpenAPI at /docs.
 */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const webFiles = config.webDist ? listWebFiles(config.webDist) : null;
  const adapter = new FastifyAdapter({
    bodyLimit: config.ingestMaxBodyBytes,
    trustProxy: config.trustProxy,
    // HTTPS served by the api itself when TLS_CERT and TLS_KEY are set (else put it behind a TLS proxy).
    ...(config.tls
      ? { https: { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) } }
      : {}),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      (req.headers['x-request-id'] as string) || randomUUID(),
    rewriteUrl: (req: IncomingMessage) => rewriteUrl(req.method ?? 'GET', req.url ?? '/', req.headers.accept, webFiles),
  });
  // bodyParser off: the JSON parser below replaces Nest's (see parseJsonBody).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // CORS only for configured origins: the app itself is same-origin (through its /api proxy).
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, credentials: true });
  const logger = await app.resolve(PinoLogger);
  const fastify = app.getHttpAdapter().getInstance();
  await registerHardening(app, config);
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
    done(null, new NdjsonBody(body as string)),
  );
  // JSON bodies are parsed, then checked before any DTO or validator walks them (see parseJsonBody).
  fastify.removeContentTypeParser('application/json');
  // FHIR's JSON media type (a Bundle or Observation sent to ingest) is JSON, checked the same way.
  fastify.addContentTypeParser(
    ['application/json', 'application/fhir+json'],
    { parseAs: 'string' },
    (_req, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );

  // Path and query values reach SQL as text: one with a NUL or a lone surrogate is a 400 here, not a 500 there.
  fastify.addHook('preValidation', async (req, reply) => {
    const problem = jsonProblem(req.params, undefined, '/path') ?? jsonProblem(req.query, undefined, '/query');
    if (!problem) return;
    sendProblem(
      new DomainError('VALIDATION_FAILED', `${problem.pointer} ${problem.detail}`, [problem]),
      req,
      reply,
      config.ingestMaxBodyBytes,
      logger,
    );
    return reply;
  });

  app.get(MetricsService).instrument(fastify);
  // The queue dashboard reads the same Queue handles the metrics count (closed with MetricsService).
  await registerQueueBoard(app, config, app.get(MetricsService).queues);
  if (config.webDist) await fastify.register(fastifyStatic, { root: config.webDist, prefix: WEB_PREFIX, index: false });

  app.useGlobalFilters(new ProblemFilter(logger, config.ingestMaxBodyBytes));
  app.useGlobalPipes(createValidationPipe());

  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  await fastify.ready();
  return app;
}

/** Where the api serves the built admin app's files when WEB_DIST is set (see rewriteUrl). */
const WEB_PREFIX = '/__web/';

/** The files of the built admin app, as URL paths (`/index.html`, `/assets/index-abc.js`). */
function listWebFiles(dir: string): Set<string> {
  if (!existsSync(join(dir, 'index.html')))
    throw new Error(`WEB_DIST ${dir} holds no index.html: run npm run build:web`);
  return new Set(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `/${relative(dir, join(e.parentPath, e.name)).split(sep).join('/')}`),
  );
}

/**
 * Routing before routes (Fastify `rewriteUrl`):
 * - `/api/…` is the API without its prefix: the web app calls the API as
 *   `/api/…` (through `vite preview`'s proxy in development, straight to the
 *   api in production), and no API route starts with `/api`;
 * - with the built app served (`webFiles`), a GET of one of its files goes to
 *   the static handler, and any other GET a browser makes for a page (Accept:
 *   text/html; not /docs or /admin/…) gets the app's index.html, so a reload
 *   on `/alerts` shows the app while `curl /alerts` still reaches the API.
 */
export function rewriteUrl(
  method: string,
  url: string,
  accept: string | undefined,
  webFiles: Set<string> | null,
): string {
  if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return url.slice(4) || '/';
  if (!webFiles || (method !== 'GET' && method !== 'HEAD')) return url;
  const path = url.split('?')[0];
  if (path !== '/' && webFiles.has(path)) return `${WEB_PREFIX}${path.slice(1)}`;
  const page = (accept ?? '').includes('text/html') && !/^\/(docs|admin)(\/|$)/.test(path);
  return page ? `${WEB_PREFIX}index.html` : url;
}

/**
 * Cookies, security headers and request rate limits:
 * - `@fastify/helmet`: HSTS, nosniff, frame denial, referrer policy and the CSP (CSP_DIRECTIVES);
 * - `@fastify/rate-limit`: per API key, session or (without either) client IP,
 *   `rateLimitPerMinute` requests a minute, ingest `ingestRateLimitPerMinute`;
 *   429 problem+json with Retry-After. Counters live in Redis, shared by replicas.
 *   Failed credentials are limited per IP separately (AuthService).
 */
async function registerHardening(app: NestFastifyApplication, config: ApiConfig): Promise<void> {
  await app.register(fastifyCookie as never);
  await app.register(fastifyHelmet as never, {
    contentSecurityPolicy: { directives: CSP_DIRECTIVES },
    hsts: config.tls || config.nodeEnv === 'production' ? { maxAge: 31_536_000 } : false,
  });
  if (config.rateLimitPerMinute <= 0 && config.ingestRateLimitPerMinute <= 0) return;
  const redis = app.get<Redis>(REDIS);
  await app.register(fastifyRateLimit as never, {
    global: true,
    redis,
    nameSpace: `${config.queuePrefix}:ratelimit:`,
    timeWindow: 60_000,
    skipOnError: true,
    max: (req: FastifyRequest) => {
      const limit = isIngest(req) ? config.ingestRateLimitPerMinute : config.rateLimitPerMinute;
      return limit > 0 ? limit : 1e12;
    },
    keyGenerator: (req: FastifyRequest) => {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ')) return `t:${hashToken(auth.slice(7).trim()).slice(0, 24)}`;
      const sid = req.cookies?.[SESSION_COOKIE];
      if (sid) return `s:${hashToken(sid).slice(0, 24)}`;
      return `ip:${req.ip}`;
    },
    allowList: (req: FastifyRequest) => req.url.startsWith('/health'),
    errorResponseBuilder: (req: FastifyRequest, ctx: { ttl: number; max: number }) => {
      const retry = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return Object.assign(
        new DomainError('RATE_LIMITED', `more than ${ctx.max} requests a minute; retry in ${retry} s`),
        {
          statusCode: 429,
        },
      );
    },
  });
}

function isIngest(req: FastifyRequest): boolean {
  return req.method === 'POST' && req.url.startsWith('/ingest/');
}

/**
 * The OpenAPI 3 document of the api (served at /docs/openapi.json). The web
 * app's client is generated from it (`npm run openapi`), and a test fails when
 * the committed copy differs, so api and web cannot drift.
 */
export function createOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('Anom')
    .setDescription(
      'Self-hosted anomaly detection: businesses, sources, rules, ingest, alerts, views, suggestions. Errors are ' +
        'RFC 9457 application/problem+json.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .addCookieAuth('anom_session')
    .build();
  return SwaggerModule.createDocument(app, doc);
}
