import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { AuthService } from '../auth/auth.service';
import { authorize } from '../common/guards/auth.guard';
import { sendProblem } from '../common/filters/problem.filter';
import type { ApiConfig } from '../config/api.config';

/** Where the queue dashboard is served (on the api; `/api/admin/queues` through the web app's origin). */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board (https://github.com/felixmosh/bull-board), read-only, at
 * QUEUE_BOARD_PATH: every platform queue's jobs by state, with their data,
 * return values and errors. Admins only — the same authentication as the API
 * (session cookie or bearer key), checked in an onRequest hook because these
 * routes are Fastify's, not Nest's. Read-only because its actions (retry,
 * clean, pause) would bypass the pipeline's own recovery (the outbox sweeper)
 * and the CSRF check of cookie sessions. Its links carry the `/api` prefix,
 * which the api strips (see createApiApp), so it works both on the api's own
 * port and through the web app's origin. `queues`: one handle per platform queue (openPlatformQueues), which the
 * caller closes.
 */
export async function registerQueueBoard(
  app: NestFastifyApplication,
  config: ApiConfig,
  queues: readonly Queue[],
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const auth = app.get(AuthService);
  const logger = await app.resolve(PinoLogger);
  const board = new BullBoardAdapter();
  board.setBasePath(`/api${QUEUE_BOARD_PATH}`);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Anom queues' } },
  });
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        try {
          authorize(await auth.authenticate(req), 'admin');
        } catch (err) {
          sendProblem(err, req, reply, config.ingestMaxBodyBytes, logger);
          return reply;
        }
      });
      await scope.register(board.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
