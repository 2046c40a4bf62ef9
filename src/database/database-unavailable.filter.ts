import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DATABASE_RETRY_AFTER_SECONDS, DatabaseUnavailableError } from './database-errors.js';

/**
 * A data route whose database can't be reached answers `503` JSON with `Retry-After`, the same on
 * Express and Fastify. The outage itself is logged by `Database`, once, not per request.
 */
@Catch(DatabaseUnavailableError)
export class DatabaseUnavailableFilter implements ExceptionFilter<DatabaseUnavailableError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: DatabaseUnavailableError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    httpAdapter.setHeader(response, 'Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    httpAdapter.setHeader(response, 'Cache-Control', 'no-store');
    httpAdapter.reply(
      response,
      { statusCode: 503, error: 'Service Unavailable', message: error.message },
      503,
    );
  }
}
