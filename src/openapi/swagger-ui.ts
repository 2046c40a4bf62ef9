import type { INestApplication } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface SwaggerUiOptions {
  /** Where the UI lives, e.g. `docs`; its assets are served below it. */
  path: string;
  /** The OpenAPI document it loads, e.g. `/docs-json`. */
  documentUrl: string;
  title: string;
  /** Pre-fills the Authorize dialog (Swagger UI's `initOAuth`). */
  initOAuth?: { clientId: string; clientSecret: string };
}

/** The only files the page loads, with their types; nothing else is served from the package. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/** swagger-ui-dist as @nestjs/swagger resolves it (its dependency, so the versions match). */
function swaggerUiDist(): string {
  const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
  return dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
}

/**
 * Serves Swagger UI through the HTTP adapter itself, so it works the same on Express and on
 * Fastify (where `SwaggerModule`'s UI would need `@fastify/static`). The page loads only scripts
 * and styles from its own origin, so helmet's Content-Security-Policy holds.
 */
export function serveSwaggerUi(app: INestApplication, options: SwaggerUiOptions): void {
  const adapter = app.getHttpAdapter();
  const base = `/${options.path}`;
  const send = (res: unknown, type: string, body: string) => {
    adapter.setHeader(res, 'Content-Type', type);
    adapter.setHeader(res, 'Cache-Control', 'no-cache');
    adapter.reply(res, body, 200);
  };

  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${options.title.replace(/[<>&"]/g, '')}</title>`,
    `<link rel="stylesheet" href="${base}/swagger-ui.css"></head>`,
    '<body><div id="swagger-ui"></div>',
    `<script src="${base}/swagger-ui-bundle.js"></script>`,
    `<script src="${base}/swagger-ui-init.js"></script>`,
    '</body></html>',
  ].join('\n');
  const init = [
    'window.onload = function () {',
    '  var ui = SwaggerUIBundle({',
    `    url: ${JSON.stringify(options.documentUrl)},`,
    "    dom_id: '#swagger-ui',",
    '    deepLinking: true,',
    '    presets: [SwaggerUIBundle.presets.apis],',
    '  });',
    options.initOAuth ? `  ui.initOAuth(${JSON.stringify(options.initOAuth)});` : '',
    '  window.ui = ui;',
    '};',
  ].join('\n');

  adapter.get(base, (_req: unknown, res: unknown) => send(res, 'text/html; charset=utf-8', html));
  adapter.get(`${base}/swagger-ui-init.js`, (_req: unknown, res: unknown) =>
    send(res, 'application/javascript; charset=utf-8', init),
  );
  const dist = swaggerUiDist();
  for (const [file, type] of Object.entries(ASSETS)) {
    const body = readFileSync(join(dist, file), 'utf8');
    adapter.get(`${base}/${file}`, (_req: unknown, res: unknown) => send(res, type, body));
  }
}
