import type { INestApplication } from '@nestjs/common';

/**
 * Settings shared by `main.ts` and the e2e tests, so the tests exercise the app as it runs in
 * production. Module-level concerns (guards, filters, pipes) live in the modules instead.
 */
export function configureApp(app: INestApplication): INestApplication {
  app.enableShutdownHooks();
  return app;
}
