/**
 * RFC 6750 errors. Each class carries its status, its `error` code and its `WWW-Authenticate` value,
 * so the one exception filter only has to write them out. No framework imports: the guard, the
 * filter and the doctor CLI all share these.
 */

/** Stable reason codes, for logs and for tests. Never shown as prose. */
export type RejectionReason =
  | 'missing_credentials'
  | 'malformed_credentials'
  | 'token_too_long'
  | 'malformed_token'
  | 'payload_not_object'
  | 'algorithm_not_allowed'
  | 'algorithm_key_mismatch'
  | 'missing_kid'
  | 'unknown_kid'
  | 'unsupported_header'
  | 'wrong_token_type'
  | 'id_token'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_sub'
  | 'missing_exp'
  | 'invalid_claim'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'token_inactive'
  | 'insufficient_scope'
  | ForbiddenReason
  | 'authority_unavailable';

/** Why a valid token was turned down by a role or a policy (plain 403, see `ForbiddenError`). */
export type ForbiddenReason = 'missing_role' | 'policy_failed';

/** What the token said about itself, unverified. Safe to log: no token, no signature. */
export interface TokenSummary {
  iss?: string;
  kid?: string;
  aud?: string | string[];
  sub?: string;
  clientId?: string;
}

const NO_SUMMARY: TokenSummary = Object.freeze({});

/** Keeps only what RFC 6750 §3 allows in a quoted value: printable ASCII without `"` and `\`. */
export function toChallengeText(text: string, maxLength = 300): string {
  const cleaned = text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 3)}...` : cleaned;
}

/**
 * A refusal. Refusals are expected answers, not bugs: they carry no stack trace, which would cost
 * more than the rest of a refusal (a flood of forged tokens must stay cheap to answer).
 */
export abstract class BearerError extends Error {
  abstract readonly status: number;
  /** The RFC 6750 `error` code, or undefined for a bare challenge. */
  abstract readonly code: string | undefined;
  readonly reason: RejectionReason;
  /** What the token said about itself, for the log line; empty until the token was decoded. */
  summary: TokenSummary = NO_SUMMARY;

  protected constructor(reason: RejectionReason, description: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(toChallengeText(description));
    Error.stackTraceLimit = stackTraceLimit;
    this.reason = reason;
  }

  /**
   * The `WWW-Authenticate` header value, or undefined when none is sent. `resourceMetadata`, the
   * URL of this API's RFC 9728 metadata, is added to every challenge as `resource_metadata`.
   */
  challenge(includeDescription = true, resourceMetadata?: string): string | undefined {
    const params = [this.code && `error="${this.code}"`];
    if (this.code && includeDescription) params.push(`error_description="${this.message}"`);
    params.push(...this.extraChallengeParams());
    if (resourceMetadata)
      params.push(`resource_metadata="${toChallengeText(resourceMetadata, 2048)}"`);
    const list = params.filter(Boolean).join(', ');
    return list ? `Bearer ${list}` : 'Bearer';
  }

  protected extraChallengeParams(): string[] {
    return [];
  }

  withSummary(summary: TokenSummary): this {
    this.summary = summary;
    return this;
  }
}

/** No `Authorization` header, or another scheme: a bare `Bearer` challenge (RFC 6750 §3.1). */
export class MissingCredentialsError extends BearerError {
  readonly status = 401;
  readonly code = undefined;
  constructor(description: string) {
    super('missing_credentials', description);
  }
}

/** Bearer credentials that are not one well-formed token (RFC 6750 §3.1 `invalid_request`). */
export class InvalidRequestError extends BearerError {
  readonly status = 400;
  readonly code = 'invalid_request';
  constructor(description: string, reason: RejectionReason = 'malformed_credentials') {
    super(reason, description);
  }
}

/** The token itself was refused (RFC 6750 §3.1 `invalid_token`). */
export class InvalidTokenError extends BearerError {
  readonly status = 401;
  readonly code = 'invalid_token';
  constructor(reason: RejectionReason, description: string) {
    super(reason, description);
  }
}

/** A valid token without the scopes a route needs (RFC 6750 §3.1 `insufficient_scope`). */
export class InsufficientScopeError extends BearerError {
  readonly status = 403;
  readonly code = 'insufficient_scope';
  constructor(
    readonly requiredScopes: readonly string[],
    description: string,
  ) {
    super('insufficient_scope', description);
  }

  protected override extraChallengeParams(): string[] {
    return [`scope="${toChallengeText(this.requiredScopes.join(' '))}"`];
  }
}

/**
 * A valid token turned down by a role or a policy: a plain 403 with no challenge. RFC 6750's
 * `insufficient_scope` names scopes a client can ask for; a role or a policy is none of those.
 */
export class ForbiddenError extends BearerError {
  readonly status = 403;
  readonly code = undefined;
  constructor(reason: ForbiddenReason, description: string) {
    super(reason, description);
  }

  override challenge(): undefined {
    return undefined;
  }
}

/**
 * The authority's keys cannot be had right now and the token's key is not cached. The token is not
 * blamed: 503 with `Retry-After` and no challenge, so clients keep their token and retry.
 */
export class AuthorityUnavailableError extends BearerError {
  readonly status = 503;
  readonly code = undefined;
  constructor(
    description: string,
    readonly retryAfterSeconds = 5,
  ) {
    super('authority_unavailable', description);
  }

  override challenge(): undefined {
    return undefined;
  }
}
