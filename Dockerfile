# One image for api, worker and the admin web app (command chosen in docker-compose.yml).
FROM node:20-bookworm-slim
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
RUN npm install --no-audit --no-fund
COPY . .
RUN npx prisma generate && npm run -s build:web
ENV NODE_ENV=production
EXPOSE 3000 5173
CMD ["npm", "run", "-s", "api"]
