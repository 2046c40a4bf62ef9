import { AuthMessages } from './auth-messages.js';
import { BearerError, InvalidTokenError, type TokenSummary } from './bearer-errors.js';

/**
 * The one function that turns whatever a verification step reported into an RFC 6750 error.
 * Our own steps already throw `BearerError`s; passport-jwt's verifier (jsonwebtoken) reports a bad
 * signature as `JsonWebTokenError: invalid signature`, and anything else it says means the token
 * is not a JWS we can use.
 */
export function toBearerError(failure: unknown, summary: TokenSummary = {}): BearerError {
  if (failure instanceof BearerError) {
    // An error raised before the token was summarized (e.g. an unknown kid) still gets logged
    // with what the token said about itself.
    return Object.keys(failure.summary).length > 0 ? failure : failure.withSummary(summary);
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  const error =
    message === 'invalid signature'
      ? new InvalidTokenError('bad_signature', AuthMessages.badSignature(summary.kid ?? 'unknown'))
      : new InvalidTokenError(
          'malformed_token',
          AuthMessages.malformedToken('it could not be verified'),
        );
  return error.withSummary(summary);
}
