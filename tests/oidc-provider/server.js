// A real OpenID provider for tests/oidc.rs: oidc-provider (a certified implementation)
// with its development login and consent pages, on loopback. Anyone may sign in as any
// login; the login is the account's email, verified unless it starts with "unverified".
// Its signing keys are made afresh at every start, so restarting it on the same port
// rotates them. Settings come from the environment:
//   PORT          the port on 127.0.0.1
//   REDIRECT_URI  Decorum's callback URL, registered for the client `decorum`
//   ID_TOKEN_CLAIMS=1  put the email in the ID token (as Google and Entra ID do) instead
//                      of only in the userinfo answer (the specification's default)
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'decorum',
    client_secret: 'decorum-test-secret',
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  conformIdTokenClaims: process.env.ID_TOKEN_CLAIMS !== '1',
  cookies: { keys: ['decorum-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: !id.startsWith('unverified') };
      },
    };
  },
});
// oidc-provider refuses plain-HTTP issuers' cookies only behind proxies; loopback is fine.
provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
