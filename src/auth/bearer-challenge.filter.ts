import {
  Catch,
  Inject,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
  Optional,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AUTH_OPTIONS } from './auth.constants.js';
import { AUTH_OBSERVER, type AuthObserver } from './auth-observer.js';
import type { ResolvedAuthOptions } from './auth-options.interface.js';
import { BearerError, ForbiddenError } from './core/bearer-errors.js';
import { protectedResourceMetadataUrl } from './core/protected-resource.js';
import { RefusalLogLimiter } from './core/refusal-log-limiter.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/**
 * The one place an auth failure becomes an HTTP answer (RFC 6750 §3): the `WWW-Authenticate`
 * challenge (pointing at the RFC 9728 metadata when `resource` is set), `Retry-After` when the
 * authority is unavailable, and a JSON body `{ statusCode, error, message }`.
 *
 * Each rejection is logged with its reason code, its description (even when `includeErrorDetails`
 * keeps it out of the answer) and what the token said about itself, clipped (`iss`, `kid`, `aud`,
 * `sub`, `clientId`); never the token. At warn level, the first few rejections of each reason
 * per window; beyond them, at debug level, and one warn line per window counts them
 * (`RefusalLogLimiter`), so a flood of forged tokens can't fill the disk.
 */
@Catch(BearerError)
export class BearerChallengeFilter implements ExceptionFilter<BearerError>, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  private readonly limiter = new RefusalLogLimiter();
  private summaryTimer?: NodeJS.Timeout;
  /** With `resource` set: the URL of its RFC 9728 metadata, from the options, never a request. */
  private readonly resourceMetadata?: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Optional() @Inject(AUTH_OBSERVER) private readonly observer?: AuthObserver,
  ) {
    const { resource } = options;
    this.resourceMetadata = resource ? protectedResourceMetadataUrl(resource) : undefined;
  }

  catch(error: BearerError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const details = this.options.includeErrorDetails;
    this.observer?.refused?.(error.reason, error.status);
    this.log(error);

    const challenge = error.challenge(details, this.resourceMetadata);
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

  /** On shutdown, the counts held back so far, so none is lost. */
  onModuleDestroy(): void {
    clearTimeout(this.summaryTimer);
    this.writeSummary();
  }

  private writeSummary(): void {
    this.summaryTimer = undefined;
    const heldBack = this.limiter.takeHeldBack();
    if (heldBack) {
      this.logger.warn({
        msg: 'tokens rejected',
        heldBack,
        note: `beyond ${this.limiter.linesPerReason} per reason in ${this.limiter.windowMs / 1000} s, logged at debug level`,
      });
    }
  }

  private log(error: BearerError): void {
    const line = {
      // A role or a policy turns down a caller whose token was accepted.
      msg: error instanceof ForbiddenError ? 'access denied' : 'token rejected',
      reason: error.reason,
      status: error.status,
      description: error.message,
      ...error.summary,
    };
    if (this.limiter.admit(error.reason, Date.now())) return this.logger.warn(line);
    this.logger.debug(line);
    this.summaryTimer ??= setTimeout(() => this.writeSummary(), this.limiter.windowMs).unref();
  }
}
