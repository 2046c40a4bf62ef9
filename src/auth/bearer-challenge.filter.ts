import { Catch, Inject, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS } from './auth.constants.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { BearerError } from './core/bearer-errors.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/**
 * The one place an auth failure becomes an HTTP answer (RFC 6750 §3): the `WWW-Authenticate`
 * challenge, `Retry-After` when the authority is unavailable, and a JSON body
 * `{ statusCode, error, message }`. Each rejection is logged once, at warn level, with its reason
 * code, its description (even when `includeErrorDetails` keeps it out of the answer) and what the
 * token said about itself (`iss`, `kid`, `aud`, `sub`, `clientId`); the token never appears.
 */
@Catch(BearerError)
export class BearerChallengeFilter implements ExceptionFilter<BearerError> {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  catch(error: BearerError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const details = this.options.includeErrorDetails;
    this.logger.warn({
      msg: 'token rejected',
      reason: error.reason,
      status: error.status,
      description: error.message,
      ...error.summary,
    });

    const challenge = error.challenge(details);
    if (challenge) httpAdapter.setHeader(response, 'WWW-Authenticate', challenge);
    if ('retryAfterSeconds' in error) {
      httpAdapter.setHeader(response, 'Retry-After', String(error.retryAfterSeconds));
    }
    httpAdapter.setHeader(response, 'Cache-Control', 'no-store');
    const error_ = STATUS_TEXT[error.status];
    httpAdapter.reply(
      response,
      { statusCode: error.status, error: error_, message: details ? error.message : error_ },
      error.status,
    );
  }
}
