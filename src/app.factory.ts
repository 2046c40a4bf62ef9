import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { configureApp, type ConfigureAppOptions } from './app.setup.js';
import { httpAdapterOptions } from './config/app.config.js';
import type { HttpAdapterName } from './config/http-adapter.config.js';

export type { HttpAdapterName };

/**
 * The one place an HTTP adapter is made. The platform is imported on demand, so an Express
 * process never loads Fastify and the other way round. Fastify takes its body limit and request
 * ids from the environment here (`httpAdapterOptions`); Express gets them in `configureApp`.
 */
export async function createHttpAdapter(name: HttpAdapterName): Promise<AbstractHttpAdapter> {
  if (name === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    return new FastifyAdapter(httpAdapterOptions());
  }
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  return new ExpressAdapter();
}

/** Builds the API on the chosen platform with the settings `main.ts` and the tests share. */
export async function createApp(
  module: DynamicModule,
  adapter: HttpAdapterName,
  options?: NestApplicationOptions,
  setup?: ConfigureAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, await createHttpAdapter(adapter), options);
  return configureApp(app, setup);
}

/**
 * Listens on every interface, as Express does by default; Fastify alone would listen on
 * 127.0.0.1 only.
 */
export async function listen(app: INestApplication, adapter: HttpAdapterName, port: number) {
  await (adapter === 'fastify' ? app.listen(port, '0.0.0.0') : app.listen(port));
}
