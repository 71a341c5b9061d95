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

/**
 * Builds the api (Fastify adapter), ready to `listen` or to `inject` in tests:
 * problem+json for every error, NDJSON ingest, body limit, OpenAPI at /docs.
 */
export async function createApiApp(config: ApiConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.ingestMaxBodyBytes,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      (req.headers['x-request-id'] as string) || randomUUID(),
  });
  // bodyParser off: the JSON parser below replaces Nest's (see parseJsonBody).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.enableCors({ origin: true });
  const logger = await app.resolve(PinoLogger);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) =>
    done(null, new NdjsonBody(body as string)),
  );
  // JSON bodies are parsed, then checked before any DTO or validator walks them (see parseJsonBody).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

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

  app.useGlobalFilters(new ProblemFilter(logger, config.ingestMaxBodyBytes));
  app.useGlobalPipes(createValidationPipe());

  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  await fastify.ready();
  return app;
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
    .build();
  return SwaggerModule.createDocument(app, doc);
}
