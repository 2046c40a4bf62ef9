import type { INestApplication } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { configureApp, type ConfigureAppOptions } from './app.setup.js';
import { fastifyOptions, type HttpSettings } from './config/http.settings.js';
import type { Settings } from './config/settings.js';

/**
 * The one place an HTTP adapter is made. The platform is imported on demand, so an Express
 * process never loads Fastify and the other way round. Fastify takes its body limit and request
 * ids here (`fastifyOptions`); Express gets them in `configureApp`.
 */
export async function createHttpAdapter(http: HttpSettings): Promise<AbstractHttpAdapter> {
  if (http.adapter === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return new FastifyAdapter(fastifyOptions(http));
  }
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  return new ExpressAdapter();
}

/**
 * Builds the API from its settings on the chosen platform, as the entry points run it. A failure
 * while it is built is thrown to the caller (`abortOnError: false`), which names the variable.
 */
export async function createApp(
  settings: Settings,
  setup?: ConfigureAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(
    AppModule.forRoot(settings),
    await createHttpAdapter(settings.http),
    // Start-up logs wait for pino (configureApp); a failure is the caller's to tell.
    { bufferLogs: true, autoFlushLogs: false, abortOnError: false },
  );
  configureApp(app, setup);
  app.flushLogs();
  return app;
}

/**
 * Listens on `http.host`, or when it is unset on every interface, as Express does by default
 * (Fastify alone would listen on 127.0.0.1 only).
 */
export async function listen(app: INestApplication, http: HttpSettings): Promise<void> {
  const host = http.host ?? (http.adapter === 'fastify' ? '0.0.0.0' : undefined);
  await (host === undefined ? app.listen(http.port) : app.listen(http.port, host));
}
