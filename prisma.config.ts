// Prisma's CLI checks for its native schema engine even for `generate`, which
// is all we use it for (migrations are SQL applied by node-pg-migrate).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= '/bin/false';

import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
});
