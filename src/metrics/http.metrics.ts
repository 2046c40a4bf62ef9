import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { HistogramFamily, type HistogramSeries } from './tally.js';

/** The `route` of a request no route matched (404s, bodies refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const STARTED = Symbol('metrics:started');

type StatusMap = Map<number, HistogramSeries>;

/** What Express leaves on a request: its matched route, whose `path` is the template. */
interface ExpressRequest extends IncomingMessage {
  route?: { path?: unknown; stack?: readonly unknown[] };
  [STARTED]?: number;
}

/**
 * The template of the route that answered. Express keeps the last route a request matched, and
 * Nest mounts middleware for every method as a route too (nestjs-pino's `/{*splat}`), one layer
 * per method, where a handler's route has one layer: a request whose last route has several
 * matched no handler.
 */
function expressRoute(req: ExpressRequest): string {
  const route = req.route;
  if (typeof route?.path !== 'string' || (route.stack?.length ?? 0) > 1) return UNMATCHED_ROUTE;
  return route.path;
}

function seconds(req: ExpressRequest): number {
  return (performance.now() - (req[STARTED] ?? 0)) / 1000;
}

interface ExpressApp {
  use(handler: (req: ExpressRequest, res: ServerResponse, next: () => void) => void): unknown;
}

interface FastifyApp {
  addHook(
    name: 'onResponse',
    hook: (
      request: { method: string; routeOptions: { url?: string } },
      reply: { statusCode: number; elapsedTime: number },
      done: () => void,
    ) => void,
  ): unknown;
}

/**
 * `http_request_duration_seconds` by `method`, `route` and `status_code`, on either adapter. The
 * route is the template a request matched (`/api/messages/:id`, never the path it asked for) or
 * `unmatched`, and an unknown method is `OTHER`: the label values are the app's routes, not what
 * clients send. Series are kept in nested maps, so a request allocates nothing here once its
 * series exists.
 */
@Injectable()
export class HttpMetrics {
  private readonly family: HistogramFamily;
  /** route → method → status → series. */
  private readonly series = new Map<string, Map<string, StatusMap>>();

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.family = new HistogramFamily(
      'http_request_duration_seconds',
      'Time from request to response, by method, route template and status code',
      registry,
      BUCKETS,
    );
  }

  /**
   * Times every request from here on: call it before routes are registered (Express runs
   * middleware in order), as `MetricsModule.configure` does.
   */
  install(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.getType() === 'fastify') {
      // Fastify times the request itself and knows the matched route template.
      adapter.getInstance<FastifyApp>().addHook('onResponse', (request, reply, done) => {
        const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
        this.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
        done();
      });
      return;
    }
    const record = (req: ExpressRequest, res: ServerResponse) => {
      this.record(req.method ?? '', expressRoute(req), res.statusCode, seconds(req));
    };
    function onFinish(this: ServerResponse): void {
      record(this.req, this);
    }
    adapter.getInstance<ExpressApp>().use((req, res, next) => {
      req[STARTED] = performance.now();
      res.once('finish', onFinish);
      next();
    });
  }

  record(method: string, route: string, status: number, seconds: number): void {
    const name = METHODS.has(method) ? method : 'OTHER';
    let byMethod = this.series.get(route);
    if (byMethod === undefined) this.series.set(route, (byMethod = new Map<string, StatusMap>()));
    let byStatus = byMethod.get(name);
    if (byStatus === undefined) byMethod.set(name, (byStatus = new Map<number, HistogramSeries>()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = this.family.series({ method: name, route, status_code: String(status) });
      byStatus.set(status, series);
    }
    series.observe(seconds);
  }
}
