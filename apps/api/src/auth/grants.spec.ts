import { ROLE_PERMISSIONS, scopeGrants } from '@anom/contracts';
import { redactQuery, requestLogLevel, skipRequestLog } from '../common/redact';

describe('what roles and scopes grant', () => {
  it('gives each role the permissions of the ones below it', () => {
    expect(ROLE_PERMISSIONS.viewer).toEqual(['read']);
    expect(ROLE_PERMISSIONS.responder).toEqual(['read', 'respond']);
    for (const p of ROLE_PERMISSIONS.responder) expect(ROLE_PERMISSIONS.editor).toContain(p);
    for (const p of ROLE_PERMISSIONS.editor) expect(ROLE_PERMISSIONS.admin).toContain(p);
  });

  it('limits ingest scopes to their businesses unless a broad scope grants ingest', () => {
    expect(scopeGrants(['ingest:a', 'ingest:b'])).toEqual({ permissions: ['ingest'], ingestBusinesses: ['a', 'b'] });
    expect(scopeGrants(['read', 'ingest:a'])).toEqual({ permissions: ['read', 'ingest'], ingestBusinesses: ['a'] });
    expect(scopeGrants(['write', 'ingest:a']).ingestBusinesses).toBeNull();
    expect(scopeGrants(['admin']).permissions).toEqual(['read', 'respond', 'edit', 'ingest', 'admin']);
  });
});

describe('request log', () => {
  it('never writes a token from a query string', () => {
    const req = { method: 'GET', url: '/stream/alerts?access_token=anomk_secret&businessId=b1&token=x' };
    expect(redactQuery(req).url).toBe('/stream/alerts?access_token=[redacted]&businessId=b1&token=[redacted]');
    expect(redactQuery({ url: '/alerts' }).url).toBe('/alerts');
  });

  it('logs requests at debug (server errors at error) and health probes never', () => {
    expect(requestLogLevel({}, { statusCode: 200 })).toBe('debug');
    expect(requestLogLevel({}, { statusCode: 422 })).toBe('debug');
    expect(requestLogLevel({}, { statusCode: 503 })).toBe('error');
    expect(requestLogLevel({}, { statusCode: 200 }, new Error('x'))).toBe('error');
    for (const url of ['/health', '/health/live', '/health/ready?x=1']) expect(skipRequestLog({ url })).toBe(true);
    for (const url of ['/healthcare', '/alerts', '/ingest/health-vitals']) expect(skipRequestLog({ url })).toBe(false);
  });
});
