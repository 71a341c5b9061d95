import { ALERT_EVENTS, CHANNEL_KINDS, FIELD_TYPES, RULE_KINDS, SERIES_AGGREGATIONS, SEVERITIES } from './vocabulary';

/** The version tag of a rules-as-code document. */
export const CONFIG_API_VERSION = 'anom/v1';

/** Where the api publishes CONFIG_JSON_SCHEMA (for editors: `# yaml-language-server: $schema=<url>`). */
export const CONFIG_SCHEMA_PATH = '/schemas/anom-config.json';

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' };
const nullableString = { type: ['string', 'null'] };

/**
 * JSON Schema (draft 2020-12) of a rules-as-code document — what `anom export`
 * writes and `anom apply` / a provisioning folder read: businesses with their
 * schema, rules, views, channels and silences, keyed by id. The api checks a
 * document against it (Ajv) before anything else, then each object as its own
 * endpoint would (a rule body as POST /rules takes it, so rule options beyond
 * the common ones are checked there).
 */
export const CONFIG_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: `https://anom.dev${CONFIG_SCHEMA_PATH}`,
  title: 'Anom configuration (rules as code)',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'businesses'],
  properties: {
    apiVersion: { const: CONFIG_API_VERSION },
    businesses: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'fields'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 2, maxLength: 64 },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 2000 },
          timezone: { type: 'string' },
          timestampField: nullableString,
          entityKeyFields: { type: 'array', items: { type: 'string' }, maxItems: 5 },
          retentionDays: { type: 'integer', minimum: 1, maximum: 3650 },
          compressAfterDays: { type: ['integer', 'null'], minimum: 1, maximum: 3650 },
          archive: { type: 'boolean' },
          fields: {
            type: 'array',
            minItems: 1,
            maxItems: 500,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'type'],
              properties: {
                name: { type: 'string', minLength: 1, maxLength: 64 },
                type: { enum: [...FIELD_TYPES] },
                required: { type: 'boolean' },
                unit: nullableString,
                enum: { type: 'array', items: { type: 'string' } },
                min: { type: ['number', 'null'] },
                max: { type: ['number', 'null'] },
                description: nullableString,
                loinc: nullableString,
                ucum: nullableString,
              },
            },
          },
          rules: {
            type: 'array',
            maxItems: 1000,
            items: {
              type: 'object',
              required: ['id', 'name', 'kind'],
              properties: {
                id: uuid,
                name: { type: 'string', minLength: 1, maxLength: 200 },
                kind: { enum: [...RULE_KINDS] },
                severity: { enum: [...SEVERITIES] },
                enabled: { type: 'boolean' },
                groupBy: { type: 'array', items: { type: 'string' } },
              },
            },
          },
          views: {
            type: 'array',
            maxItems: 200,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name', 'panels'],
              properties: {
                id: uuid,
                name: { type: 'string', minLength: 1, maxLength: 200 },
                description: { type: 'string' },
                position: { type: 'integer' },
                panels: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['agg'],
                    properties: { agg: { enum: [...SERIES_AGGREGATIONS] } },
                  },
                },
              },
            },
          },
          channels: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name', 'kind', 'config'],
              properties: {
                id: uuid,
                name: { type: 'string', minLength: 1, maxLength: 200 },
                kind: { enum: [...CHANNEL_KINDS] },
                enabled: { type: 'boolean' },
                events: { type: 'array', items: { enum: [...ALERT_EVENTS] } },
                minSeverity: { enum: [...SEVERITIES] },
                config: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    url: { type: 'string', description: 'a secret: write ${ENV_VAR}, which `anom apply` fills in' },
                    secret: { type: 'string', description: 'a secret: write ${ENV_VAR}' },
                    to: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
          silences: {
            type: 'array',
            maxItems: 1000,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'comment', 'startsAt', 'endsAt'],
              properties: {
                id: uuid,
                comment: { type: 'string', minLength: 1 },
                ruleId: { anyOf: [uuid, { type: 'null' }] },
                groupKey: { type: 'object' },
                startsAt: { type: 'string', format: 'date-time' },
                endsAt: { type: 'string', format: 'date-time' },
              },
            },
          },
        },
      },
    },
  },
} as const;
