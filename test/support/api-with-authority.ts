import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthorityClient, type AuthModuleOptions } from '../../src/auth/index.js';
import { useTestAuthority, type TestAuthority } from '../../src/auth/testing/index.js';
import { startApi } from './test-api.js';

export interface ApiWithAuthority {
  app: INestApplication;
  server: Server;
  /** The app's one client of the authority (discovery + keys). */
  authorityClient: AuthorityClient;
  /** `http://127.0.0.1:<port>` when started with `listen: true`. */
  url?: string;
  close(): Promise<void>;
}

/**
 * Builds the whole `AppModule`, as `main.ts` does, pointed at a test authority with any
 * `AuthModuleOptions` overridden (`fetchTimeoutMs`, `requireAccessTokenType`, `clockSkew`...).
 *
 * - `logger`: a Nest `LoggerService` for the app (e.g. `CaptureLogger`); default: silent.
 * - `listen`: also listen on 127.0.0.1 with a random port (for raw HTTP and load tests).
 * - `warm`: wait for the start-up warm-up of discovery and keys (default true), so JWKS fetch
 *   counts start from a known state; pass false to test a cold start.
 */
export async function startApiWithAuthority(
  authority: TestAuthority,
  options: {
    auth?: Partial<AuthModuleOptions>;
    logger?: LoggerService;
    listen?: boolean;
    warm?: boolean;
  } = {},
): Promise<ApiWithAuthority> {
  const { app } = await startApi(authority.env(), {
    override: (builder) => useTestAuthority(builder, authority, options.auth),
  });
  // After start-up, which installs the app's own (pino) logger.
  if (options.logger) app.useLogger(options.logger);
  const authorityClient = app.get(AuthorityClient);
  if (options.warm !== false) await authorityClient.check();
  let url: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address() as AddressInfo;
    url = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    server: app.getHttpServer() as Server,
    authorityClient,
    url,
    close: () => app.close(),
  };
}
