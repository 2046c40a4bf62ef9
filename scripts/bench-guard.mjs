// The guard alone, in-process: CPU µs per `JwtAuthGuard.canActivate` on a cache hit, a miss
// (fresh token) and a forged signature, with no HTTP server, socket or load generator around it.
// `npm run bench` runs this file in its own process and prints the figures beside the floor; run
// it alone with `node scripts/bench-guard.mjs [calls]` (after `npm run build`). The difference
// between these and the bench's "µs over public" is what a miss costs the server around the guard
// (the request's promise chain, the garbage collector).
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { BenchAuthority } from './bench-authority.mjs';

const { settingsFromEnv } = await import('../dist/config/settings.js');
const { createApp } = await import('../dist/app.factory.js');
const { JwtAuthGuard } = await import('../dist/auth/jwt-auth.guard.js');
const { ProfileController } = await import('../dist/profile/profile.controller.js');

/** The app's own guard instance (a global guard is not resolvable by class). */
function guardOf(app) {
  for (const module of app.container.getModules().values()) {
    for (const wrapper of module.providers.values()) {
      if (wrapper.instance instanceof JwtAuthGuard) return wrapper.instance;
    }
  }
  throw new Error('JwtAuthGuard not found');
}

/** The context of `GET /api/me` with this token, as Fastify hands it to the guard. */
function contextFor(token) {
  const request = { raw: { rawHeaders: ['host', 'bench', 'authorization', `Bearer ${token}`] } };
  const context = new ExecutionContextHost(
    [request, {}, () => undefined],
    ProfileController,
    ProfileController.prototype.me,
  );
  context.setType('http');
  return context;
}

/** CPU µs per call over `calls` calls, taking tokens from `tokens` in turn. */
async function measure(guard, tokens, calls, expectAllowed) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    let allowed;
    try {
      allowed = await guard.canActivate(contextFor(tokens[i % tokens.length]));
    } catch {
      allowed = false;
    }
    if (allowed !== expectAllowed) throw new Error(`call ${i}: expected allowed=${expectAllowed}`);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const calls = Number(process.argv[2] ?? 10_000);
const authority = await BenchAuthority.start();
const app = await createApp(
  settingsFromEnv({
    NODE_ENV: 'production',
    HTTP_ADAPTER: 'fastify',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'error',
    ...authority.env(),
    AUTH_TOKEN_CACHE_SIZE: '1000',
  }),
);
await app.init();
try {
  const guard = guardOf(app);
  const pool = Array.from({ length: 4000 }, () => authority.mint('RS256'));
  const scenarios = {
    hit: [[pool[0]], true],
    miss: [pool, true],
    forged: [[authority.badSignature()], false],
  };
  const runs = { hit: [], miss: [], forged: [] };
  // A warm-up round, then three; the median of the three.
  for (let round = 0; round < 4; round++) {
    for (const [name, [tokens, allowed]] of Object.entries(scenarios)) {
      const micros = await measure(guard, tokens, calls, allowed);
      if (round > 0) runs[name].push(micros);
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  process.stdout.write(
    JSON.stringify(Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]))),
  );
} finally {
  await app.close();
  authority.server.close();
}
