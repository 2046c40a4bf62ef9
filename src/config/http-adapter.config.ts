/** The HTTP platforms the API runs on, chosen by `HTTP_ADAPTER` (see `app.factory.ts`). */
export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterName = (typeof HTTP_ADAPTERS)[number];

/** `HTTP_ADAPTER` from the environment: `express` (the default) or `fastify`; undefined if neither. */
export function httpAdapterName(
  env: Record<string, string | undefined>,
): HttpAdapterName | undefined {
  const value = (env.HTTP_ADAPTER ?? '').trim().toLowerCase() || 'express';
  return (HTTP_ADAPTERS as readonly string[]).includes(value)
    ? (value as HttpAdapterName)
    : undefined;
}
