import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestStack } from '../../../test/harness';
import { createOpenApiDocument } from './app.factory';

describe('OpenAPI document', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  // The web app's client is generated from the committed copy; a route or DTO
  // change without `npm run openapi` would let api and web drift apart.
  it('matches the copy the web client is generated from (run `npm run openapi` after changing the api)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../web/src/api/openapi.json'), 'utf8'));
    expect(JSON.parse(JSON.stringify(createOpenApiDocument(stack.api)))).toEqual(committed);
  });

  it('serves the same document at /docs/openapi.json', async () => {
    const res = await stack.request('GET', '/docs/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.paths['/businesses/{businessId}/series']).toBeDefined();
    expect(res.body.paths['/stream/alerts']).toBeDefined();
  });
});
