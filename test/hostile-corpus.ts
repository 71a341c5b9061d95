/**
 * A generated corpus of hostile requests over every route of the api's
 * OpenAPI document: wrong types and values in every path parameter, query
 * parameter and body property, limits (long strings, huge and out-of-range
 * numbers and dates), deep and wide JSON, NUL and lone surrogates in values,
 * keys, paths and queries, reserved names, malformed JSON and NDJSON, wrong
 * content types, unknown and archived businesses, and every kind of wrong
 * token. Deterministic: the same document and fixtures give the same cases.
 */

/** Ids of real things the cases point at, so that one part at a time is wrong. */
export interface CorpusFixtures {
  businessId: string;
  archivedBusinessId: string;
  /** A field of the business (for /fields/{name}). */
  fieldName: string;
  sourceToken: string;
  /** Valid ids by path parameter name (ruleId, viewId, …); missing ones get a random-looking UUID. */
  ids: Record<string, string>;
}

export interface HostileCase {
  name: string;
  method: string;
  url: string;
  /** Raw body, sent as is. */
  payload?: string;
  contentType?: string;
  /** Authorization header value; undefined: the admin token; null: none. */
  authorization?: string | null;
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: { type?: string };
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  security?: unknown[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const UNKNOWN_UUID = '00000000-0000-4000-8000-00000000dead';

/** Path parameter values that are wrong (already URL-encoded). */
const BAD_PATH_VALUES: [string, string][] = [
  ['an unknown id', 'no-such-thing'],
  ['an unknown UUID', UNKNOWN_UUID],
  ['a NUL', 'a%00b'],
  ['a lone surrogate', 'a%ED%A0%80b'],
  ['an astral character', '%F0%9F%92%A9'],
  ['3,000 characters', 'x'.repeat(3_000)],
  ['dots', '..'],
  ['an encoded slash', 'a%2Fb'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['a regular expression', '%28.%2A.%2A%29%2A'],
  ['a percent sign', '100%25'],
];

/** Query parameter values that are wrong or at the limits (already URL-encoded). */
const BAD_QUERY_VALUES: [string, string][] = [
  ['empty', ''],
  ['a NUL', 'a%00b'],
  ['a lone surrogate', '%ED%A0%80'],
  ['5,000 characters', 'x'.repeat(5_000)],
  ['-1', '-1'],
  ['1e400', '1e400'],
  ['2^70', '1180591620717411303424'],
  ['NaN', 'NaN'],
  ['a date past what a Date holds', '%2B275760-09-13T00%3A00%3A00.001Z'],
  ['the year 1', '0001-01-01T00%3A00%3A00Z'],
  ['an impossible date', '2025-13-45T25%3A61%3A00Z'],
  ['an epoch beyond what a Date holds', '8640000000000001'],
  ['a list of empties', '%2C%2C%2C'],
  ['an object', '%5Bobject%20Object%5D'],
  // Forged cursors (base64url JSON, the shape cursors have): a date no database holds, a UUID of dashes, a NUL.
  [
    'a cursor dated -271821',
    Buffer.from(JSON.stringify({ t: '-271821-04-20T00:00:00.000Z', id: UNKNOWN_UUID })).toString('base64url'),
  ],
  [
    'a cursor with a UUID of dashes',
    Buffer.from(JSON.stringify({ t: '2025-01-01T00:00:00.000Z', id: '-'.repeat(36) })).toString('base64url'),
  ],
  ['a cursor holding a NUL', Buffer.from(JSON.stringify('a\u0000b')).toString('base64url')],
];

/** Unknown query parameter names, each sent as `=1` (already URL-encoded). */
const UNKNOWN_QUERY_NAMES: [string, string][] = [
  ['a regular expression', '%28.%2A.%2A%29%2AQ'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['a NUL', 'a%00'],
];

/** Whole bodies that are wrong in shape or size. */
function badBodies(): [string, string][] {
  const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const wide = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
  return [
    ['null', 'null'],
    ['an empty array', '[]'],
    ['a string', '"s"'],
    ['a number', '42'],
    ['an empty object', '{}'],
    ['an array nested 10,000 deep', deepArray],
    ['an object nested 10,000 deep', deepObject],
    ['an object with 50,000 keys', wide],
    ['a __proto__ key', '{"__proto__":{"isAdmin":true}}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['a NUL in a value', '{"name":"a\\u0000b"}'],
    ['a lone surrogate in a value', '{"name":"a\\ud800b"}'],
    ['a NUL in a key', '{"a\\u0000b":1}'],
    ['a lone surrogate in a key', '{"\\udc00":1}'],
    ['1e400', '{"name":1e400}'],
    ['malformed JSON', '{"name":'],
    ['a trailing comma', '{"name":"x",}'],
    ['an empty body', ''],
    ['two JSON documents', '{}{}'],
  ];
}

/** Values each body property is set to, one at a time (JSON text). */
const BAD_PROPERTY_VALUES: [string, string][] = [
  ['null', 'null'],
  ['a string', '"x"'],
  ['-1', '-1'],
  ['1e308', '1e308'],
  ['a boolean', 'true'],
  ['an array', '[]'],
  ['an object', '{}'],
  ['a NUL', '"\\u0000"'],
  ['a lone surrogate', '"\\ud800"'],
  ['100,000 characters', JSON.stringify('y'.repeat(100_000))],
  ['a date past what a Date holds', '"+275760-09-13T00:00:00.001Z"'],
];

const BAD_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
];

/** Authorization headers that must not pass (`SOURCE` is replaced by the business's source token). */
const BAD_TOKENS: [string, string | null][] = [
  ['no token', null],
  ['an empty bearer', 'Bearer '],
  ['basic auth', 'Basic YWRtaW46YWRtaW4='],
  ['a wrong token', 'Bearer anom_wrong-token-0000000000'],
  ['a token with a NUL', 'Bearer abc\u0000def'],
  ['a 10,000-character token', `Bearer ${'t'.repeat(10_000)}`],
  ['a source token', 'SOURCE'],
];

/**
 * The cases for `doc` (an OpenAPI 3 document) against `fx`. Routes without a
 * security requirement (health, docs) get no token cases; `skip` names
 * paths left out entirely (a stream that never ends on success).
 */
export function hostileCorpus(doc: OpenApiDocument, fx: CorpusFixtures, skip: readonly string[] = []): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (skip.includes(path)) continue;
    for (const [method, op] of Object.entries(ops)) {
      const M = method.toUpperCase();
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const valid = (name: string) =>
        name === 'businessId' ? fx.businessId : name === 'name' ? fx.fieldName : (fx.ids[name] ?? UNKNOWN_UUID);
      const fill = (override: Record<string, string> = {}) =>
        path.replace(/\{(\w+)\}/g, (_, n: string) => override[n] ?? encodeURIComponent(valid(n)));
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      const hasBody = op.requestBody !== undefined;
      const base = (url: string, extra: Partial<HostileCase> = {}): HostileCase => ({
        name: '',
        method: M,
        url,
        ...(hasBody ? { payload: '{}', contentType: 'application/json' } : {}),
        ...extra,
      });
      const label = `${M} ${path}`;
      // A destructive route's other cases point at nothing, so that none of them archives or expires a fixture.
      const destructive = M === 'DELETE' || path.endsWith('/expire');
      const target = destructive ? path.replace(/\{(\w+)\}/g, UNKNOWN_UUID) : fill();

      for (const p of pathParams) {
        const values = [
          ...BAD_PATH_VALUES,
          ...(p.name === 'businessId' ? ([['an archived business', fx.archivedBusinessId]] as [string, string][]) : []),
        ];
        for (const [what, v] of values)
          cases.push({ ...base(fill({ [p.name]: v })), name: `${label}: ${p.name} is ${what}` });
      }
      for (const q of queryParams) {
        for (const [what, v] of BAD_QUERY_VALUES)
          cases.push({ ...base(`${target}?${q.name}=${v}`), name: `${label}: ?${q.name} is ${what}` });
      }
      for (const [what, n] of UNKNOWN_QUERY_NAMES)
        cases.push({ ...base(`${target}?${n}=1`), name: `${label}: an unknown query parameter, ${what}` });
      if (hasBody) {
        for (const [what, body] of badBodies())
          cases.push({ ...base(fill()), payload: body, name: `${label}: body is ${what}` });
        for (const ct of BAD_CONTENT_TYPES)
          cases.push({ ...base(fill()), contentType: ct, payload: 'a=1', name: `${label}: content type ${ct}` });
        if (!path.startsWith('/ingest/'))
          cases.push({
            ...base(fill()),
            contentType: 'application/x-ndjson',
            payload: '{}\n',
            name: `${label}: NDJSON where JSON is expected`,
          });
        const ref = bodySchema?.$ref?.split('/').pop();
        const props = ref ? Object.keys(doc.components.schemas[ref]?.properties ?? {}) : [];
        for (const prop of props) {
          for (const [what, v] of BAD_PROPERTY_VALUES)
            cases.push({
              ...base(fill()),
              payload: `{${JSON.stringify(prop)}:${v}}`,
              name: `${label}: ${prop} is ${what}`,
            });
        }
      }
      if (op.security !== undefined && op.security.length > 0) {
        for (const [what, auth] of BAD_TOKENS) {
          if (auth === 'SOURCE' && path.startsWith('/ingest/')) continue;
          cases.push({
            ...base(target),
            authorization: auth === 'SOURCE' ? `Bearer ${fx.sourceToken}` : auth,
            name: `${label}: ${what}`,
          });
        }
      }
    }
  }
  return cases;
}

/** Hostile NDJSON and ingest bodies for `POST /ingest/{businessId}` (event-level: the schema is the business's). */
export function hostileIngestBodies(field: string): [string, string, string][] {
  const ts = '"timestamp":"2025-01-01T00:00:00Z"';
  return [
    ['a NUL in a string value', 'application/json', `{${ts},"${field}":"a\\u0000b"}`],
    ['a lone surrogate in a string value', 'application/json', `{${ts},"${field}":"a\\ud800b"}`],
    ['a NUL in a key', 'application/json', `{${ts},"${field}":"u","a\\u0000b":1}`],
    ['a lone surrogate in a key', 'application/json', `{${ts},"${field}":"u","\\udfff":1}`],
    ['a NUL in the client event id', 'application/json', `{${ts},"${field}":"u","_id":"a\\u0000"}`],
    ['a lone surrogate in the client event id', 'application/json', `{${ts},"${field}":"u","_id":"\\ud800"}`],
    ['a NUL in the entity key', 'application/json', `{${ts},"${field}":"\\u0000"}`],
    ['an epoch timestamp of 8.64e15', 'application/json', `{"timestamp":8640000000000000,"${field}":"u"}`],
    ['an epoch timestamp of 1e16', 'application/json', `{"timestamp":1e16,"${field}":"u"}`],
    ['1e400 in an extra field', 'application/json', `{${ts},"${field}":"u","extra":1e400}`],
    [
      'JSON nested 10,000 deep in an extra field',
      'application/json',
      `{${ts},"${field}":"u","extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    ],
    [
      'an event with 50,000 keys',
      'application/json',
      `{${ts},"${field}":"u",${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}`,
    ],
    ['a __proto__ key', 'application/json', `{${ts},"${field}":"u","__proto__":{"x":1}}`],
    ['an NDJSON line that is not an object', 'application/x-ndjson', `{${ts},"${field}":"u"}\n42\n`],
    ['an NDJSON line cut short', 'application/x-ndjson', `{${ts},"${field}":"u"}\n{"timestamp":\n`],
    ['an NDJSON line with a NUL', 'application/x-ndjson', `{${ts},"${field}":"a\\u0000"}\n`],
    ['NDJSON of blank lines only', 'application/x-ndjson', '\n\n\n'],
    ['a raw NUL byte in NDJSON', 'application/x-ndjson', `{${ts},"${field}":"u"}\u0000\n`],
  ];
}
