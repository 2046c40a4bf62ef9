import { protectedResourceMetadataUrl } from '../auth/core/protected-resource.js';
import { inspectAccessToken } from '../auth/core/token-inspection.js';
import { AuthConfigurationError, resolveAuthOptions, toTokenPolicy } from '../auth/auth-options.js';
import type { AuthModuleOptions, ResolvedAuthOptions } from '../auth/auth-options.interface.js';
import type { AuthorityClient } from '../auth/keys/authority-client.js';
import { Authorities } from '../auth/keys/authorities.js';
import { DEFAULT_FETCH_LIMITS } from '../auth/keys/fetch-json.js';
import { configurationErrorOf } from '../config/auth.settings.js';
import { ConfigurationError } from '../config/configuration.error.js';
import { blank, type Env } from '../config/env.js';
import { settingsFromEnv } from '../config/settings.js';
import { developmentSettings } from '../dev/development.settings.js';
import { introspects } from '../auth/core/introspection.js';
import { diagnose, type AuthorityFacts } from './diagnose.js';
import { checkByIntrospection } from './introspection-check.js';
import { closestAuthority } from './issuer-shapes.js';
import { inspectOwnIssuer } from './own-issuer.js';
import { isLoopbackName } from './public-address.js';
import { formatReport, type DoctorOutcome } from './report.js';

/*
 * `npm run doctor -- <token>`: would the API accept this token, and if not, exactly why and what
 * to change. It reads the API's configuration, reaches the authority through the API's own
 * `Authorities`, runs the API's own ordered checks (`inspectAccessToken`), and only then, for a
 * foreign issuer or an unknown kid, looks at what the token's own issuer publishes.
 */

export const USAGE =
  'npm run doctor -- [--fetch-issuer] <token>   (or pipe the token in on standard input)';

/** Accepts what people paste: the token, `Bearer <token>`, or a whole `Authorization:` line. */
export function normalizeInput(input: string): string {
  return input
    .trim()
    .replace(/^authorization:\s*/i, '')
    .replace(/^bearer\s+/i, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}

/** The API's auth options, as `npm start` would have them: the development ones without AUTH_AUTHORITY. */
function configuredAuth(env: Env): { auth: AuthModuleOptions; notes: string[] } {
  if (!blank(env.AUTH_AUTHORITY)) return { auth: settingsFromEnv(env, false).auth, notes: [] };
  return {
    auth: developmentSettings(env, false).auth,
    notes: ['AUTH_AUTHORITY is not set: checking against the development authority of npm start'],
  };
}

/** The checked options, or the configuration error told in the operator's terms. */
function resolveConfiguration(
  env: Env,
): { options: ResolvedAuthOptions; notes: string[] } | { error: ConfigurationError } {
  try {
    const { auth, notes } = configuredAuth(env);
    return { options: resolveAuthOptions(auth), notes };
  } catch (error) {
    const problem = error instanceof AuthConfigurationError ? configurationErrorOf(error) : error;
    if (problem instanceof ConfigurationError) return { error: problem };
    throw error;
  }
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

export interface DoctorOptions {
  /** Look at what the token's own issuer publishes (`--fetch-issuer`). Default: no. */
  fetchIssuer?: boolean;
  nowSeconds?: number;
}

export async function runDoctor(
  input: string,
  env: Env,
  { fetchIssuer = false, nowSeconds = Date.now() / 1000 }: DoctorOptions = {},
): Promise<DoctorOutcome> {
  const token = normalizeInput(input);
  if (token === '') {
    return { exitCode: 2, text: `Usage: ${USAGE}` };
  }
  const configuration = resolveConfiguration(env);
  if ('error' in configuration) {
    const { message } = configuration.error;
    return { exitCode: 2, text: `Configuration error: ${message}. See .env.example.` };
  }
  const { options, notes } = configuration;
  const policy = toTokenPolicy(options);
  const clients = Authorities.fromOptions(options);
  const limits = { ...DEFAULT_FETCH_LIMITS, timeoutMs: options.fetchTimeoutMs };
  if (introspects(options.introspection, token)) {
    const outcome = await checkByIntrospection(
      token,
      options,
      policy,
      clients,
      shapeOf(token),
      nowSeconds,
    );
    return { ...outcome, text: [...notes, outcome.text].join('\n') };
  }

  const authorities = await Promise.all(clients.all.map(authorityFacts));
  const inspection = await inspectAccessToken(token, policy, clients.resolveKey, nowSeconds);
  // The authority the token named; for a foreign issuer the listed one it most likely meant.
  const named =
    inspection.authority ??
    closestAuthority(inspection.decoded?.claims.iss, options.authorities) ??
    clients.first.issuer;
  const authority = authorities[options.authorities.indexOf(named)];
  authority.kids = clients.get(named)?.keyStore?.kids ?? authority.kids;
  // For an unknown kid the token's issuer is a listed one, whose keys its client holds; for a
  // foreign issuer, what it publishes is looked at only when asked (inspectOwnIssuer).
  const ownIssuer =
    inspection.error?.reason === 'unknown_kid'
      ? { issuer: authority.issuer, kids: authority.kids, publishesKid: false }
      : inspection.decoded && inspection.error?.reason === 'wrong_issuer'
        ? await inspectOwnIssuer(inspection.decoded, {
            fetchIssuer,
            requireHttps: options.requireHttpsMetadata,
            loopbackAllowed: options.authorities.some((a) => isLoopbackName(new URL(a).hostname)),
            limits,
          })
        : undefined;
  const diagnosis = diagnose({
    inspection,
    policy,
    authority,
    authorities,
    ownIssuer,
    resourceMetadata: options.resource && protectedResourceMetadataUrl(options.resource),
    jweHeader: peekJweHeader(token),
    includeErrorDetails: options.includeErrorDetails,
    nowSeconds,
  });
  const text = formatReport({
    audiences: policy.audiences,
    notes,
    authorities,
    decoded: inspection.decoded,
    shape: shapeOf(token),
    diagnosis,
    nowSeconds,
  });
  return { exitCode: diagnosis.exitCode, text };
}
