# syntax=docker/dockerfile:1
# Anom's production image: the api (which also serves the built admin app), the worker and the `anom` cli, as
# compiled JavaScript on Node's current LTS with production dependencies only. docker-compose.yml chooses the command.
#
#   docker build -t anom .
#   docker run --env-file .env -p 3000:3000 anom                       # api + admin app on :3000
#   docker run --env-file .env anom node dist/apps/worker/src/main.js  # worker (metrics on :9464)

# Node 24 is the active LTS line (Node 20 reached end of life on 2026-04-30). Pinned to a release; bump deliberately.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY libs/contracts/package.json libs/contracts/
COPY libs/domain/package.json libs/domain/
COPY libs/db/package.json libs/db/
COPY libs/queue/package.json libs/queue/
COPY libs/notify/package.json libs/notify/
COPY libs/profiler/package.json libs/profiler/

# Build stage: every dependency, then Prisma's client, the server (SWC, ahead of time) and the web app (Vite).
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx prisma generate && npm run -s build

# Runtime stage: production dependencies only, the compiled server, the built web app.
FROM deps AS runtime
ENV NODE_ENV=production \
    WEB_DIST=/app/apps/web/dist \
    API_HOST=0.0.0.0 \
    WORKER_HTTP_HOST=0.0.0.0
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY apps/cli/bin ./apps/cli/bin
# The default archive directory (ARCHIVE_URL=file:///var/lib/anom/archive), writable by the unprivileged user.
RUN mkdir -p /var/lib/anom/archive && chown node:node /var/lib/anom/archive
USER node
EXPOSE 3000 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/api/src/main.js"]
