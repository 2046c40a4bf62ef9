import type { DecodedToken } from '../auth/core/decoded-token.js';
import type { CheckName } from '../auth/core/token-checks.js';
import type { CheckResult, TokenInspection } from '../auth/core/token-inspection.js';
import type { TokenPolicy } from '../auth/core/token-policy.js';
import type { BearerError } from '../auth/core/bearer-errors.js';
import { isIssuerTemplate, tenantOf } from '../auth/core/issuer-routing.js';
import {
  closestAuthority,
  compareIssuers,
  describeIssuer,
  MICROSOFT_GRAPH_AUDIENCES,
  recognizeIssuer,
  type IssuerRelation,
} from './issuer-shapes.js';
import type { OwnIssuerFindings } from './own-issuer.js';

/*
 * From what the doctor saw to what it says: one line per check of the API's pipeline (what passed,
 * or why it failed and how to fix it), findings about the token's shape, and the verdict. Pure.
 */

/** What the configured authority gave the doctor, through the API's own `AuthorityClient`. */
export interface AuthorityFacts {
  issuer: string;
  metadataSource?: string;
  metadataError?: string;
  jwksUri?: string;
  tokenEndpoint?: string;
  keysError?: string;
  kids: string[];
}

export interface DoctorFacts {
  inspection: TokenInspection;
  policy: TokenPolicy;
  /**
   * The listed authority the token named; for a token naming none, the one it most likely meant
   * (else the first listed).
   */
  authority: AuthorityFacts;
  /** Every listed authority, in order. Default: `authority` alone. */
  authorities?: AuthorityFacts[];
  /** With `AUTH_RESOURCE` set: the URL its 401 challenges point at (`resource_metadata`). */
  resourceMetadata?: string;
  /** The token's own issuer, looked up only for a foreign issuer or an unknown kid. */
  ownIssuer?: OwnIssuerFindings;
  /** The JOSE header of an encrypted token (JWE), which is readable. */
  jweHeader?: Record<string, unknown>;
  includeErrorDetails: boolean;
  nowSeconds: number;
}

export interface CheckLine {
  name: CheckName;
  label: string;
  outcome: CheckResult['outcome'];
  /** What passed, or the API's own description of the failure. */
  detail: string;
  fix?: string;
}

export interface Diagnosis {
  checks: CheckLine[];
  findings: string[];
  accepted: boolean;
  /** What the API answers: status and, for a rejection, the `WWW-Authenticate` value. */
  answer: { status: number; challenge?: string };
  /** 0 accepted, 1 refused because of the token, 2 the authority could not be reached. */
  exitCode: 0 | 1 | 2;
}

export const CHECK_LABELS: Record<CheckName, string> = {
  format: 'format',
  algorithm: 'algorithm',
  header: 'header',
  type: 'token type',
  issuer: 'issuer',
  kid: 'key id',
  key: 'signing key',
  key_fits: 'key fits alg',
  signature: 'signature',
  token_use: 'access token',
  lifetime: 'lifetime',
  audience: 'audience',
  subject: 'subject',
};

/** "in 5 min" / "3 h ago": how far an instant is from now. */
export function relative(seconds: number, nowSeconds: number): string {
  const delta = Math.round(seconds - nowSeconds);
  const abs = Math.abs(delta);
  const span =
    abs < 120
      ? `${abs} s`
      : abs < 7200
        ? `${Math.round(abs / 60)} min`
        : abs < 172800
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} days`;
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** "1 key", "2 keys". */
export const countKeys = (n: number) => `${n} key${n === 1 ? '' : 's'}`;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const list = (values: readonly string[]) => values.join(', ');
const audiences = (aud: unknown): string[] =>
  (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');

function passedDetail(name: CheckName, facts: DoctorFacts, decoded: DecodedToken): string {
  const { header, claims } = decoded;
  const { inspection, policy, nowSeconds } = facts;
  switch (name) {
    case 'format':
      return 'a signed JWT (JWS compact serialization)';
    case 'algorithm':
      return `${header.alg} is accepted`;
    case 'header':
      return 'no critical or unencoded-payload extensions';
    case 'type':
      return header.typ === undefined ? 'no typ (accepted)' : `${String(header.typ)} is accepted`;
    case 'issuer':
      return policy.issuers.length === 1 && claims.iss === policy.issuers[0]
        ? `${String(claims.iss)}, as configured`
        : claims.iss === inspection.authority
          ? `${String(claims.iss)}, one of the listed authorities`
          : `${String(claims.iss)}, which fits ${String(inspection.authority)} (tenant ${String(claims.tid)})`;
    case 'kid':
      return String(header.kid);
    case 'key':
      return `published at ${facts.authority.jwksUri ?? facts.authority.issuer}`;
    case 'key_fits':
      return `${inspection.key?.key.asymmetricKeyType ?? 'the'} key fits ${header.alg}`;
    case 'signature':
      return `verifies with key ${String(header.kid)}`;
    case 'token_use':
      return 'an access token (no nonce, at_hash or c_hash)';
    case 'lifetime': {
      const exp = claims.exp as number;
      return `valid until ${iso(exp)} (${relative(exp, nowSeconds)})`;
    }
    case 'audience':
      return `${list(audiences(claims.aud).filter((a) => policy.audiences.includes(a)))} is accepted`;
    case 'subject':
      return String(claims.sub);
  }
}

/** How to fix a token from another issuer than `expected`, a listed authority. */
function issuerFix(relation: IssuerRelation, facts: DoctorFacts, iss: string): string {
  const expected = facts.authority.issuer;
  const endpoint = facts.authority.tokenEndpoint;
  const from = endpoint ? `request tokens from ${endpoint}` : `request tokens from ${expected}`;
  const several = facts.policy.issuers.length > 1;
  const setIt = several ? `add ${iss} to AUTH_AUTHORITY` : `set AUTH_AUTHORITY=${iss}`;
  const orSet = `or, if ${iss} is the authority you meant, ${setIt}`;
  switch (relation.kind) {
    case 'trailing-slash':
      return `the issuers differ only by a trailing slash, which counts: ${several ? `write ${expected} in AUTH_AUTHORITY as ${iss}` : `set AUTH_AUTHORITY=${iss}`} exactly${
        recognizeIssuer(iss).kind === 'auth0' ? ' (Auth0 issuers end with a slash)' : ''
      }`;
    case 'okta-org-instead-of-custom':
      return (
        `the token comes from Okta's Org authorization server, whose access tokens are only for ` +
        `Okta's own APIs; ${from} (the custom authorization server "${relation.serverId}"), ` +
        `i.e. set the issuer of your client or SDK to ${expected}; or accept the Org server's ` +
        `tokens by introspection: AUTH_AUTHORITY=${iss} with AUTH_INTROSPECTION=all`
      );
    case 'okta-custom-instead-of-org':
      return (
        `AUTH_AUTHORITY names Okta's Org authorization server, whose access tokens a resource server ` +
        `cannot validate; set AUTH_AUTHORITY=${iss} (the custom authorization server "${relation.serverId}"), ` +
        `or keep the Org server and set AUTH_INTROSPECTION=all (every token is introspected)`
      );
    case 'okta-other-custom':
      return `the token comes from Okta custom server "${relation.tokenServer}", the API trusts "${relation.expectedServer}": ${from}, ${orSet}`;
    case 'entra-v1-instead-of-v2':
      return (
        `this is an Entra ID v1.0 token; set "accessTokenAcceptedVersion": 2 ("requestedAccessTokenVersion" ` +
        `in the new manifest format) in the manifest of the API's app registration and get a new token, ` +
        `or accept v1.0 tokens with AUTH_AUTHORITY=${iss}`
      );
    case 'entra-v2-instead-of-v1':
      return `this is an Entra ID v2.0 token; set AUTH_AUTHORITY=${iss}`;
    case 'entra-other-tenant':
      return `the token comes from tenant ${relation.tokenTenant}, the API trusts tenant ${relation.expectedTenant}: sign in to the API's tenant, ${orSet}`;
    case 'keycloak-other-realm':
      return `the token comes from Keycloak realm "${relation.tokenRealm}", the API trusts realm "${relation.expectedRealm}": ${from}, ${orSet}`;
    case 'no-issuer':
      return `the token names no issuer (iss); ${from}`;
    default:
      return `${from}, ${orSet}`;
  }
}

/**
 * A token whose `iss` named no listed authority: with one authority, what its relation to it
 * says; with several, that it is none of them, and what its relation to the closest one says. A
 * `{tenantid}` authority's issuer that failed on its tenant gets the tenant's fix.
 */
function wrongIssuerFix(facts: DoctorFacts, claims: Record<string, unknown>, iss: string): string {
  const { issuers, tenants = [] } = facts.policy;
  const template = issuers.find((a) => isIssuerTemplate(a) && tenantOf(iss, a) !== undefined);
  if (template) {
    return claims.tid === tenantOf(iss, template)
      ? `tenant ${String(claims.tid)} is not in AUTH_TENANTS (${list(tenants)}): add it if this API is meant to accept it`
      : `the token's tid (${JSON.stringify(claims.tid) ?? 'none'}) must name the tenant of its issuer ${iss}; get a token from that tenant`;
  }
  const fix = issuerFix(compareIssuers(claims.iss, facts.authority.issuer), facts, iss);
  if (issuers.length === 1) return fix;
  const related = facts.authority.issuer === closestAuthority(claims.iss, issuers);
  const none = `${iss || 'the token issuer'} is not one of the listed authorities (${list(issuers)})`;
  return related
    ? `${none}; it looks like ${facts.authority.issuer}: ${fix}`
    : `${none}: request tokens from one of them, or, if ${iss} should be accepted too, add it to AUTH_AUTHORITY`;
}

function audienceFix(facts: DoctorFacts, aud: string[]): string {
  const accepted = facts.policy.audiences;
  if (aud.some((a) => MICROSOFT_GRAPH_AUDIENCES.includes(a))) {
    return `this token is for Microsoft Graph, not for this API: request a scope of this API (e.g. ${accepted[0]}/.default) instead of Graph scopes`;
  }
  const how: Record<string, string> = {
    auth0: `add audience=${accepted[0]} to the authorization or token request`,
    'entra-v2': `request a scope of this API, e.g. ${accepted[0]}/.default`,
    'entra-v1': `request the resource ${accepted[0]}`,
    'okta-custom': `the custom authorization server's audience (Security > API) must be ${accepted[0]}`,
    keycloak: `add an audience mapper for ${accepted[0]} to the client's scopes`,
  };
  const vendor = how[recognizeIssuer(facts.authority.issuer).kind];
  const ask = vendor ?? `request the token for ${list(accepted)}`;
  return `${ask}; or, if this API is meant to accept ${list(aud) || 'it'}, add it to AUTH_AUDIENCE`;
}

function failureFix(error: BearerError, facts: DoctorFacts, decoded?: DecodedToken): string {
  const { policy, authority } = facts;
  const header = decoded?.header;
  const claims = decoded?.claims ?? {};
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  switch (error.reason) {
    case 'malformed_token':
    case 'payload_not_object':
      return /opaque|encrypted/.test(error.message)
        ? `the API needs a JWT access token: ask the authorization server for one for ${list(policy.audiences)} (Auth0 returns an opaque or encrypted token when the request names no audience: add audience=${policy.audiences[0]})`
        : 'pass the token exactly as received: no quotes, no second "Bearer", nothing cut off';
    case 'algorithm_not_allowed':
      return String(header?.alg).startsWith('HS')
        ? `HS* tokens are signed with a shared secret; this API accepts only asymmetric signatures: have the server sign this API's tokens with RS256 (Auth0: the API's signing algorithm)`
        : `have the server sign with one of ${list(policy.algorithms)}, or add ${String(header?.alg)} to AUTH_ALGORITHMS`;
    case 'unsupported_header':
      return 'this API does not support crit or b64 JWS extensions; have the server issue plain JWS tokens';
    case 'wrong_token_type':
      return policy.requireAtJwt
        ? 'AUTH_REQUIRE_ACCESS_TOKEN_TYPE=true wants typ at+jwt (RFC 9068): have the server issue such tokens, or set it to false'
        : `a token of type ${String(header?.typ)} is not an access token: send the access token`;
    case 'wrong_issuer':
      return wrongIssuerFix(facts, claims, iss);
    case 'missing_kid':
      return 'the API picks the key by kid: have the server put kid in the token header';
    case 'unknown_kid':
      return `get a new token; if that fails too, the token was signed by another server that uses the same issuer name (another environment or tenant): get it from ${authority.tokenEndpoint ?? authority.issuer}`;
    case 'authority_unavailable':
      return `the token is not at fault: the API cannot get ${authority.issuer}'s ${authority.metadataError ? 'metadata' : 'keys'} (${authority.metadataError ?? authority.keysError ?? 'no answer'}); check AUTH_AUTHORITY, AUTH_METADATA_ADDRESS and the network`;
    case 'algorithm_key_mismatch':
      return 'the token names an algorithm its key is not published for; this is refused (RFC 8725): have the server sign with the key’s algorithm';
    case 'bad_signature':
      return 'the token was altered, or signed by another server that reuses this kid: get a fresh token from the authority';
    case 'id_token':
      return `send the access_token of the token response, not the id_token (an ID token is for the client; an access token for this API has aud ${list(policy.audiences)})`;
    case 'missing_sub':
      return 'the API needs the caller in sub (RFC 9068): have the server put a subject in its access tokens';
    case 'missing_exp':
      return 'the API refuses tokens without exp: have the server set an expiry';
    case 'invalid_claim':
      return 'exp, nbf and iat must be numbers of seconds (NumericDate)';
    case 'expired':
      return `get a new token (it expired ${relative(claims.exp as number, facts.nowSeconds)}; AUTH_CLOCK_SKEW_SECONDS=${policy.clockSkewSeconds} is allowed)`;
    case 'not_yet_valid':
      return `check the clocks of this machine and of the authorization server; the token is valid from ${iso(claims.nbf as number)} (${relative(claims.nbf as number, facts.nowSeconds)})`;
    case 'wrong_audience':
      return audienceFix(facts, audiences(claims.aud));
    default:
      return '';
  }
}

function ownIssuerFindings(facts: DoctorFacts, decoded: DecodedToken): string[] {
  const own = facts.ownIssuer;
  if (!own) return [];
  const kid = String(decoded.header.kid ?? '(none)');
  const several = facts.policy.issuers.length > 1;
  const expected = facts.authority.issuer;
  const where = facts.authority.tokenEndpoint ?? expected;
  if (own.notFetched)
    return [`The token's issuer ${own.issuer} was not looked up: ${own.notFetched}.`];
  if (own.error) return [`The token's issuer ${own.issuer} could not be looked up: ${own.error}.`];
  if (own.issuer === expected) {
    return [
      `${expected} publishes ${countKeys(own.kids?.length ?? 0)} (${list(own.kids ?? [])}); kid ${kid} is not among them.`,
    ];
  }
  const label =
    compareIssuers(own.issuer, expected).kind === 'okta-org-instead-of-custom'
      ? 'the Org authorization server'
      : describeIssuer(recognizeIssuer(own.issuer));
  const by = `${own.issuer}${label ? ` (${label})` : ''}`;
  const listed = several ? 'any listed authority' : expected;
  if (!own.publishesKid) {
    return [`kid ${kid} is published neither by ${listed} nor by the token's own issuer ${by}.`];
  }
  const lines = [
    `kid ${kid} is published by ${by}, not by ${listed}: request tokens from ${several ? 'one of them' : where}.`,
  ];
  lines.push(
    own.signatureVerifies
      ? `The signature verifies with ${own.issuer}'s key ${kid}: the token is genuine, just not from the authority this API trusts.`
      : `The signature does NOT verify with ${own.issuer}'s key ${kid} either.`,
  );
  return lines;
}

function shapeFindings(facts: DoctorFacts, decoded?: DecodedToken): string[] {
  const out: string[] = [];
  if (facts.jweHeader) {
    const { alg, enc } = facts.jweHeader;
    out.push(
      `This is an encrypted token (JWE, alg ${String(alg)}, enc ${String(enc)}): Auth0 issues one when the request names no audience; this API cannot read it.`,
    );
  }
  if (!decoded) return out;
  const { header, claims } = decoded;
  for (const name of ['jku', 'x5u', 'jwk', 'x5c']) {
    if (header[name] !== undefined) {
      out.push(
        `The header carries ${name}; neither the API nor the doctor follows it: keys come only from the configured authority.`,
      );
    }
  }
  const configured = recognizeIssuer(facts.authority.issuer);
  if (configured.kind === 'entra-v2' || configured.kind === 'entra-v1') {
    if (header.nonce !== undefined) {
      out.push(
        'The header carries a nonce: Entra ID signs such tokens (for Microsoft Graph) in a way only Graph can verify.',
      );
    }
  }
  const iss = typeof claims.iss === 'string' ? claims.iss : undefined;
  const shape = describeIssuer(recognizeIssuer(iss));
  const named = facts.ownIssuer?.publishesKid === true; // the kid finding already names it
  if (iss && shape && !facts.policy.issuers.includes(iss) && !named) {
    out.push(`The token's issuer looks like ${shape}.`);
  }
  return out;
}

/** Everything the report says, from what the doctor saw. */
export function diagnose(facts: DoctorFacts): Diagnosis {
  const { inspection } = facts;
  const decoded = inspection.decoded;
  const checks = inspection.checks.map((result): CheckLine => {
    const line = { name: result.name, label: CHECK_LABELS[result.name], outcome: result.outcome };
    if (result.outcome === 'passed' && decoded) {
      return { ...line, detail: passedDetail(result.name, facts, decoded) };
    }
    if (result.outcome === 'failed' && result.error) {
      return {
        ...line,
        detail: result.error.message,
        fix: failureFix(result.error, facts, decoded),
      };
    }
    return { ...line, detail: 'not reached' };
  });
  const error = inspection.error;
  const findings = [
    ...(decoded ? ownIssuerFindings(facts, decoded) : []),
    ...shapeFindings(facts, decoded),
  ];
  return {
    checks,
    findings,
    accepted: !error,
    answer: error
      ? {
          status: error.status,
          challenge: error.challenge(facts.includeErrorDetails, facts.resourceMetadata),
        }
      : { status: 200 },
    exitCode: !error ? 0 : error.status === 503 ? 2 : 1,
  };
}
