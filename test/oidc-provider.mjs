// A real OpenID Connect provider (the `oidc-provider` package) for the tests:
// `node test/oidc-provider.mjs <redirect-uri>...` listens on a free port and
// prints "ready <issuer>". Its login step signs in whoever `POST /test/next-login`
// named last (`{"sub","email","name","anom_role"}`), without a form, so a
// browser or a fetch loop can go through the whole authorization code flow.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const redirectUris = process.argv.slice(2);
const server = createServer((req, res) => handle(req, res));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const accounts = new Map();
let next = {
  sub: 'oidc-editor',
  email: 'olga@example.com',
  name: 'Olga OIDC',
  anom_role: 'editor',
  email_verified: true,
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'anom',
      client_secret: 'anom-test-client-secret',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'anom_role'] },
  // Scope claims in the ID token itself (the relying party reads only the ID token).
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ ...accounts.get(id), sub: id }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  cookies: { keys: ['anom-test-provider-cookie-key'] },
});

const callback = provider.callback();
async function handle(req, res) {
  try {
    if (req.method === 'POST' && req.url === '/test/next-login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      next = { email_verified: true, ...JSON.parse(body) };
      res.writeHead(204).end();
      return;
    }
    if (req.url.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        accounts.set(next.sub, next);
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: next.sub } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    callback(req, res);
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
}
process.stdout.write(`ready ${issuer}\n`);
