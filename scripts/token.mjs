// npm run token -- [--opaque] [scope ...]
// Asks the development authority started by `npm start` for an access token (a real
// client_credentials request) and prints it as the last line. With --opaque, the token is an
// opaque (reference) token, which the API validates by introspection (RFC 7662).
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

// .env under the environment, as the API reads it (nothing is written to process.env).
const env = {
  ...(existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {}),
  ...process.env,
};
const dist = new URL('../dist/dev-authority/dev-authority.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('Build first: npm run build (npm start does it for you).');
  process.exit(1);
}
const { DEV_DEFAULTS, OPAQUE_RESOURCE, requestToken } = await import(dist.href);
const port = env.DEV_AUTHORITY_PORT || DEV_DEFAULTS.port;
const args = process.argv.slice(2);
const opaque = args.includes('--opaque');
const asked = args.filter((arg) => arg !== '--opaque');
const scopes = asked.length > 0 ? asked : DEV_DEFAULTS.scopes;
try {
  const token = await requestToken(
    `http://127.0.0.1:${port}/token`,
    { clientId: DEV_DEFAULTS.clientId, clientSecret: DEV_DEFAULTS.clientSecret },
    scopes,
    opaque ? OPAQUE_RESOURCE : undefined,
  );
  console.error(`# ${opaque ? 'opaque ' : ''}access token for scopes: ${scopes.join(' ')}`);
  console.log(token);
} catch (error) {
  console.error(`Could not get a token from http://127.0.0.1:${port}: ${error.message}`);
  console.error('Is `npm start` running without AUTH_AUTHORITY (the development authority)?');
  process.exit(1);
}
