import { inspectAccessToken } from '../auth/core/token-inspection.js';
import { AuthConfigurationError, resolveAuthOptions, toTokenPolicy } from '../auth/auth-options.js';
import { AuthorityClient } from '../auth/keys/authority-client.js';
import { DEFAULT_FETCH_LIMITS } from '../auth/keys/fetch-json.js';
import { AUTH_ENV, authOptionsFromEnv, validateEnvironment } from '../config/auth.config.js';
import { DEV_DEFAULTS } from '../dev-authority/dev-authority.js';
import { diagnose, type AuthorityFacts } from './diagnose.js';
import { inspectOwnIssuer } from './own-issuer.js';
import { formatReport } from './report.js';

/**
 * `npm run doctor -- <token>`: would the API accept this token, and if not, exactly why and what
 * to change. It reads the API's configuration, reaches the authority through the API's own
 * `AuthorityClient`, runs the API's own ordered checks (`inspectAccessToken`), and only then, for
 * a foreign issuer or an unknown kid, looks at what the token's own issuer publishes.
 */

type Env = Record<string, string | undefined>;

export interface DoctorOutcome {
  /** 0 accepted; 1 refused because of the token; 2 could not tell (configuration, authority). */
  exitCode: 0 | 1 | 2;
  text: string;
}

/** Accepts what people paste: the token, `Bearer <token>`, or a whole `Authorization:` line. */
export function normalizeInput(input: string): string {
  return input
    .trim()
    .replace(/^authorization:\s*/i, '')
    .replace(/^bearer\s+/i, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}

/** Like `npm start`: without AUTH_AUTHORITY (outside production), the development authority. */
function withDevelopmentDefaults(env: Env): { env: Env; notes: string[] } {
  if (env.AUTH_AUTHORITY?.trim() || env.NODE_ENV === 'production') return { env, notes: [] };
  const port = env.DEV_AUTHORITY_PORT?.trim() || String(DEV_DEFAULTS.port);
  return {
    env: {
      ...env,
      AUTH_AUTHORITY: `http://127.0.0.1:${port}`,
      AUTH_AUDIENCE: env.AUTH_AUDIENCE?.trim() || DEV_DEFAULTS.audience,
      AUTH_REQUIRE_HTTPS_METADATA: 'false',
    },
    notes: ['AUTH_AUTHORITY is not set: checking against the development authority of npm start'],
  };
}

function peekJweHeader(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 5) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function shapeOf(token: string): string {
  const parts = token.split('.').length;
  return parts === 1
    ? `an opaque string of ${token.length} characters`
    : `${parts} dot-separated segments, ${token.length} characters`;
}

async function authorityFacts(client: AuthorityClient): Promise<AuthorityFacts> {
  const status = await client.check();
  const metadata = status.metadata.ok ? await client.metadata() : undefined;
  return {
    issuer: client.issuer,
    metadataSource: status.metadata.source,
    metadataError: status.metadata.error,
    jwksUri: status.keys.jwksUri,
    tokenEndpoint: metadata?.tokenEndpoint,
    keysError: status.metadata.ok ? status.keys.error : undefined,
    kids: client.keyStore?.kids ?? [],
  };
}

export async function runDoctor(
  input: string,
  rawEnv: Env,
  nowSeconds = Date.now() / 1000,
): Promise<DoctorOutcome> {
  const token = normalizeInput(input);
  if (token === '') {
    return { exitCode: 2, text: 'Usage: npm run doctor -- <token>   (or pipe the token in)' };
  }
  const { env, notes } = withDevelopmentDefaults(rawEnv);
  let options;
  try {
    validateEnvironment(env);
    options = resolveAuthOptions(authOptionsFromEnv(env), AUTH_ENV);
  } catch (error) {
    if (!(error instanceof AuthConfigurationError)) throw error;
    return { exitCode: 2, text: `Configuration error: ${error.message}. See .env.example.` };
  }
  const policy = toTokenPolicy(options);
  const client = AuthorityClient.fromOptions(options);
  const limits = { ...DEFAULT_FETCH_LIMITS, timeoutMs: options.fetchTimeoutMs };

  const authority = await authorityFacts(client);
  const inspection = await inspectAccessToken(token, policy, client.resolveKey, nowSeconds);
  authority.kids = client.keyStore?.kids ?? authority.kids;
  // Only a person asked: look at what the token's own issuer publishes. For an unknown kid that
  // issuer is the configured one, whose keys the API's client already holds.
  const ownIssuer =
    inspection.error?.reason === 'unknown_kid'
      ? { issuer: policy.issuer, kids: authority.kids, publishesKid: false }
      : inspection.decoded && inspection.error?.reason === 'wrong_issuer'
        ? await inspectOwnIssuer(inspection.decoded, {
            requireHttps: options.requireHttpsMetadata,
            limits,
          })
        : undefined;
  const diagnosis = diagnose({
    inspection,
    policy,
    authority,
    ownIssuer,
    jweHeader: peekJweHeader(token),
    includeErrorDetails: options.includeErrorDetails,
    nowSeconds,
  });
  const text = formatReport({
    audiences: policy.audiences,
    notes,
    authority,
    decoded: inspection.decoded,
    shape: shapeOf(token),
    diagnosis,
    nowSeconds,
  });
  return { exitCode: diagnosis.exitCode, text };
}
