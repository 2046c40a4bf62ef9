// npm run bench -- [--duration 5] [--rounds 3] [--connections 16] [--adapters express,fastify]
//                  [--pool 4000] [--cache-size 1000] [--json file] [--memory [--memory-tokens N]]
//                  [--floor-guard] [--profile dir] [--perf dir]
//
// Measures the built API (dist/main.js, one process per adapter) under autocannon load on
// loopback, against an authorization server this script starts itself. See
// docs/performance.md for what each scenario means.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BenchAuthority } from './bench-authority.mjs';
import { startApiProcess } from './bench-api.mjs';
import { rs256VerifyMicros } from './bench-floor.mjs';
import {
  PERF_GROUPS,
  PERF_NODE_ARGS,
  perfAvailable,
  perfBreakdown,
  recordPerf,
} from './bench-perf.mjs';
import { PROFILER, topSelfTime } from './bench-profile.mjs';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    adapters: { type: 'string', default: 'express,fastify' },
    pool: { type: 'string', default: '4000' },
    'cache-size': { type: 'string' },
    json: { type: 'string' },
    memory: { type: 'boolean', default: false },
    'memory-tokens': { type: 'string', default: '200000' },
    'cold-requests': { type: 'string', default: '100' },
    'floor-guard': { type: 'boolean', default: false },
    profile: { type: 'string' },
    perf: { type: 'string' },
  },
});
const settings = {
  durationSeconds: Number(args.duration),
  rounds: Number(args.rounds),
  connections: Number(args.connections),
  adapters: args.adapters.split(',').map((a) => a.trim()),
  poolSize: Number(args.pool),
  // Throughput: a small cache, so the verify pool (larger) misses every time. Memory: the API's
  // default unless given.
  cacheSize: Number(args['cache-size'] ?? (args.memory ? NaN : 1000)),
  coldRequests: Number(args['cold-requests']),
  floorGuard: args['floor-guard'],
};

if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  console.error('dist/main.js is missing: run `npm run build` first (`npm run bench` does).');
  process.exit(1);
}
if (!args.memory && settings.cacheSize > 0 && settings.poolSize <= settings.cacheSize) {
  console.error(
    `--pool (${settings.poolSize}) must be larger than --cache-size (${settings.cacheSize}): ` +
      'otherwise the fresh-token scenario measures cache hits, not verification.',
  );
  process.exit(1);
}
if (process.platform !== 'linux') {
  console.error('The bench reads the API process CPU time and RSS from /proc: Linux only.');
  process.exit(1);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (line) => process.stderr.write(`${line}\n`);
const PROTECTED = '/api/me';
/** Preload of `--floor-guard`: a guard that only checks the signature (see the file). */
const FLOOR_GUARD = new URL('./bench-floor-guard.mjs', import.meta.url).pathname;
const FLOOR_SUFFIX = ', floor guard';

/**
 * One autocannon run against the API. Every scenario sends its requests the same way (a token
 * taken in turn from its pool, set per request), so the client's own cost, which shares these
 * CPUs, is the same for each, and only what the API does differs.
 */
async function drive(api, scenario, durationSeconds) {
  let next = 0;
  const requests = [
    {
      setupRequest(request) {
        const token = scenario.tokens[next++ % scenario.tokens.length];
        request.headers = { ...request.headers, authorization: `Bearer ${token}` };
        return request;
      },
    },
  ];
  const gcBefore = api.metricsToken && (await api.gcSeconds(api.metricsToken));
  const before = api.cpuTimes();
  const result = await autocannon({
    url: `${api.url}${scenario.path}`,
    connections: settings.connections,
    duration: durationSeconds,
    requests,
  });
  const after = api.cpuTimes();
  const gcAfter = api.metricsToken && (await api.gcSeconds(api.metricsToken));
  const system = after.system - before.system;
  const cpu = after.user - before.user + system;
  const answered = Object.entries(result.statusCodeStats ?? {});
  const expected = result.statusCodeStats?.[scenario.status]?.count ?? 0;
  const total = answered.reduce((sum, [, { count }]) => sum + Number(count), 0);
  if (total === 0 || expected !== total || result.errors > 0) {
    throw new Error(
      `${api.adapter} ${scenario.name}: expected only ${scenario.status}, got ` +
        `${JSON.stringify(result.statusCodeStats)} and ${result.errors} errors`,
    );
  }
  return {
    reqPerSec: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest: cpu / total,
    systemMicrosPerRequest: system / total,
    gcMicrosPerRequest: api.metricsToken ? ((gcAfter - gcBefore) * 1e6) / total : undefined,
    requests: total,
  };
}

/**
 * The public route (`/health`) gets the very headers of the fresh-token scenario, so the ratio
 * measures verification alone. The protected route is `/api/me`, which answers from the token
 * alone: `/api/messages` would measure the database as well.
 */
function makeScenarios(authority) {
  log(`minting ${settings.poolSize} RS256 tokens for the verify path...`);
  const pool = Array.from({ length: settings.poolSize }, () => authority.mint('RS256'));
  return {
    scenarios: [
      { name: 'public', path: '/health', status: 200, tokens: pool },
      { name: 'repeated token', path: PROTECTED, status: 200, tokens: [authority.mint()] },
      { name: 'fresh token', path: PROTECTED, status: 200, tokens: pool },
      {
        name: 'forged signature',
        path: PROTECTED,
        status: 401,
        tokens: [authority.badSignature()],
      },
    ],
  };
}

/**
 * The API on `adapter` with the bench's cache size, after one second of each scenario. The floor
 * guard lets every good signature in as the first caller, so `GET /metrics` (another scope) can't
 * be read there: no GC figures for it.
 */
async function warmedUpApi(authority, adapter, scenarios, extraNodeArgs = [], gcFigures = true) {
  const api = await startApiProcess({
    adapter,
    cwd: root,
    env: { ...authority.env(), AUTH_TOKEN_CACHE_SIZE: String(settings.cacheSize) },
    extraNodeArgs,
  });
  // GET /metrics, for the garbage collector's pauses around each run.
  if (gcFigures) api.metricsToken = authority.mint('RS256', undefined, 'metrics:read');
  log(`${adapter}: pid ${api.pid}, warming up`);
  try {
    for (const scenario of scenarios) await drive(api, scenario, 1);
  } catch (error) {
    await api.stop();
    throw error;
  }
  return api;
}

/** Each scenario's runs, as rows: medians over rounds, and each round's ratio to its public run. */
function scenarioRows(adapter, scenarios, runs, suffix = '') {
  const publicRuns = runs.get('public');
  return scenarios.map((scenario) => {
    const list = runs.get(scenario.name);
    return {
      adapter,
      scenario: `${scenario.name}${suffix}`,
      reqPerSec: median(list.map((r) => r.reqPerSec)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      cpuMicrosPerRequest: median(list.map((r) => r.cpuMicrosPerRequest)),
      systemMicrosPerRequest: median(list.map((r) => r.systemMicrosPerRequest)),
      gcMicrosPerRequest: median(list.map((r) => r.gcMicrosPerRequest)),
      // Ratio to the public route of the same round and process, then the median over rounds.
      ratio: median(list.map((r, i) => r.reqPerSec / publicRuns[i].reqPerSec)),
      rounds: list,
    };
  });
}

/**
 * Per adapter, the API's scenarios in alternated rounds. With `--floor-guard`, a second process
 * whose guard only checks the signature runs public, fresh and forged in the same rounds, its
 * turn alternating with the API's: its ratios are the best any verifying guard could get here.
 */
async function throughput(authority) {
  const { scenarios } = makeScenarios(authority);
  const variants = [{ suffix: '', scenarios, extraNodeArgs: [] }];
  if (settings.floorGuard) {
    variants.push({
      suffix: FLOOR_SUFFIX,
      scenarios: scenarios.filter((s) => s.name !== 'repeated token'),
      extraNodeArgs: ['--import', FLOOR_GUARD],
    });
  }
  const rows = [];
  for (const adapter of settings.adapters) {
    const apis = [];
    try {
      for (const v of variants) {
        const api = await warmedUpApi(authority, adapter, v.scenarios, v.extraNodeArgs, !v.suffix);
        apis.push({ ...v, api, runs: new Map(v.scenarios.map((s) => [s.name, []])) });
      }
      for (let round = 0; round < settings.rounds; round++) {
        for (const t of round % 2 ? [...apis].reverse() : apis) {
          // Alternate the order so no scenario always runs first or last.
          const order = t.scenarios.map((_, i) => t.scenarios[(i + round) % t.scenarios.length]);
          for (const scenario of order) {
            const run = await drive(t.api, scenario, settings.durationSeconds);
            t.runs.get(scenario.name).push(run);
            const name = `${scenario.name}${t.suffix}`;
            log(`${adapter} round ${round + 1} ${name}: ${Math.round(run.reqPerSec)} req/s`);
          }
        }
      }
      for (const t of apis) rows.push(...scenarioRows(adapter, t.scenarios, t.runs, t.suffix));
    } finally {
      for (const t of apis) await t.api.stop();
    }
  }
  return rows;
}

/** A cold process hit by N concurrent first requests, while the JWKS answers slowly. */
async function coldStart(authority) {
  const results = [];
  for (const adapter of settings.adapters) {
    const tokens = Array.from({ length: settings.coldRequests }, () => authority.mint('RS256'));
    authority.jwksDelayMs = 300;
    authority.resetFetches();
    const api = await startApiProcess({ adapter, cwd: root, env: authority.env() });
    try {
      const statuses = await Promise.all(
        tokens.map((token) =>
          fetch(`${api.url}${PROTECTED}`, { headers: { authorization: `Bearer ${token}` } }).then(
            (res) => res.status,
          ),
        ),
      );
      results.push({
        adapter,
        requests: tokens.length,
        ok: statuses.filter((s) => s === 200).length,
        jwksFetches: authority.fetches.jwks,
        discoveryFetches: authority.fetches.discovery,
      });
    } finally {
      authority.jwksDelayMs = 0;
      await api.stop();
    }
  }
  return results;
}

/** RSS after 1 000 distinct valid tokens, then after `memory-tokens`, with the default cache. */
async function memory(authority) {
  const total = Number(args['memory-tokens']);
  const results = [];
  for (const adapter of settings.adapters) {
    const env = Number.isNaN(settings.cacheSize)
      ? authority.env()
      : { ...authority.env(), AUTH_TOKEN_CACHE_SIZE: String(settings.cacheSize) };
    const api = await startApiProcess({ adapter, cwd: root, env });
    try {
      const send = async (amount) => {
        const result = await autocannon({
          url: `${api.url}${PROTECTED}`,
          connections: 20,
          amount,
          requests: [
            {
              setupRequest(request) {
                // ES256 signs ~20x faster than RS256, so 200 000 tokens take seconds, not minutes.
                const token = authority.mint('ES256');
                request.headers = { ...request.headers, authorization: `Bearer ${token}` };
                return request;
              },
            },
          ],
        });
        if (result['2xx'] !== amount) {
          throw new Error(`memory: ${JSON.stringify(result.statusCodeStats)}`);
        }
      };
      await send(1000);
      const after1k = api.rssBytes();
      log(`${adapter}: RSS after 1 000 tokens ${(after1k / 2 ** 20).toFixed(1)} MB`);
      for (let sent = 1000; sent < total; sent += 20_000) {
        await send(Math.min(20_000, total - sent));
        log(
          `${adapter}: ${Math.min(sent + 20_000, total)} tokens, RSS ${(api.rssBytes() / 2 ** 20).toFixed(1)} MB`,
        );
      }
      const afterAll = api.rssBytes();
      results.push({
        adapter,
        tokens: total,
        rssAfter1kMB: after1k / 2 ** 20,
        rssAfterAllMB: afterAll / 2 ** 20,
        growthMB: (afterAll - after1k) / 2 ** 20,
      });
    } finally {
      await api.stop();
    }
  }
  return results;
}

/** A row's CPU µs per request over the public route of its own process (API's or floor's). */
function microsOverPublic(rows, { adapter, scenario, cpuMicrosPerRequest }) {
  const name = scenario.endsWith(FLOOR_SUFFIX) ? `public${FLOOR_SUFFIX}` : 'public';
  const base = rows.find((r) => r.adapter === adapter && r.scenario === name);
  return cpuMicrosPerRequest - base.cpuMicrosPerRequest;
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printThroughput(rows, floorMicros) {
  const header = [
    'adapter',
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'CPU µs/req',
    'of it system',
    'GC pauses µs',
    'µs over public',
    'RS256 verify µs',
    'vs public',
  ];
  const isPublic = (r) => r.scenario.startsWith('public');
  const isMiss = (r) => r.scenario.startsWith('fresh') || r.scenario.startsWith('forged');
  const lines = rows.map((r) => [
    r.adapter,
    r.scenario,
    fmt(r.reqPerSec),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.cpuMicrosPerRequest, 1),
    fmt(r.systemMicrosPerRequest, 1),
    Number.isFinite(r.gcMicrosPerRequest) ? fmt(r.gcMicrosPerRequest, 1) : '',
    isPublic(r) ? '' : fmt(microsOverPublic(rows, r), 1),
    isMiss(r) ? fmt(floorMicros, 1) : '',
    fmt(r.ratio, 2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(row(header));
  console.log(
    `|${widths.map((w, i) => (i < 2 ? '-' : '') + '-'.repeat(w) + (i < 2 ? '-' : ':')).join('|')}|`,
  );
  for (const l of lines) console.log(row(l));
}

function targets(rows, cold) {
  const find = (adapter, scenario) =>
    rows.find((r) => r.adapter === adapter && r.scenario === scenario);
  const ratio = (adapter, scenario) => find(adapter, scenario)?.ratio;
  // With --floor-guard: how many CPU µs per request the API's path costs over the floor's.
  const overFloor = (adapter, scenario) => {
    const floor = find(adapter, `${scenario}${FLOOR_SUFFIX}`);
    return floor && microsOverPublic(rows, find(adapter, scenario)) - microsOverPublic(rows, floor);
  };
  const checks = [
    ['express', 'repeated token', 0.9],
    ['express', 'fresh token', 0.8],
    ['express', 'forged signature', 0.7],
    ['fastify', 'repeated token', 0.85],
    ['fastify', 'fresh token', 0.65],
    ['fastify', 'forged signature', 0.55],
  ]
    .map(([adapter, scenario, min]) => ({
      adapter,
      scenario,
      min,
      value: ratio(adapter, scenario),
      floorGuard: ratio(adapter, `${scenario}${FLOOR_SUFFIX}`),
      overFloor: overFloor(adapter, scenario),
    }))
    .filter((c) => c.value !== undefined)
    .map((c) => ({
      target: `${c.adapter} ${c.scenario} >= ${c.min} of public`,
      value: Number(c.value.toFixed(3)),
      met: c.value >= c.min,
      ...(c.floorGuard !== undefined && {
        floorGuard: Number(c.floorGuard.toFixed(3)),
        microsOverFloor: Number(c.overFloor.toFixed(1)),
      }),
    }));
  for (const c of cold) {
    checks.push({
      target: `${c.adapter}: ${c.requests} concurrent first requests -> 1 JWKS fetch`,
      value: c.jwksFetches,
      met: c.jwksFetches === 1 && c.ok === c.requests,
    });
  }
  return checks;
}

/**
 * One API process per adapter and scenario, profiled (V8 CPU profiler, as --cpu-prof) during the
 * measured run only; prints each one's top self-time functions.
 */
async function profiles(authority, dir) {
  mkdirSync(dir, { recursive: true });
  const { scenarios } = makeScenarios(authority);
  const summaries = [];
  for (const adapter of settings.adapters) {
    for (const scenario of scenarios) {
      const file = join(dir, `${adapter}-${scenario.name.replace(/ /g, '-')}.cpuprofile`);
      const api = await startApiProcess({
        adapter,
        cwd: root,
        env: {
          ...authority.env(),
          AUTH_TOKEN_CACHE_SIZE: String(settings.cacheSize),
          BENCH_PROFILE_FILE: file,
        },
        extraNodeArgs: ['--import', PROFILER],
      });
      await drive(api, scenario, 1);
      api.signal('SIGWINCH');
      const run = await drive(api, scenario, settings.durationSeconds);
      await api.stop('SIGWINCH');
      const top = topSelfTime(file, root);
      summaries.push({ adapter, scenario: scenario.name, reqPerSec: run.reqPerSec, file, top });
      console.log(`\n${adapter} / ${scenario.name}: ${fmt(run.reqPerSec)} req/s, ${file}`);
      for (const f of top) {
        console.log(`  ${fmt(f.share * 100, 1).padStart(5)}%  ${f.name}  ${f.where}`);
      }
    }
  }
  return summaries;
}

/**
 * One API process per adapter, all scenarios warmed up, then each scenario's run sampled by Linux
 * `perf`; prints the CPU µs per request of each group of symbols (native, collector and kernel
 * included).
 */
async function perfRuns(authority, dir) {
  mkdirSync(dir, { recursive: true });
  const { scenarios } = makeScenarios(authority);
  const rows = [];
  for (const adapter of settings.adapters) {
    const api = await warmedUpApi(authority, adapter, scenarios, PERF_NODE_ARGS);
    try {
      for (const scenario of scenarios) {
        const file = join(dir, `${adapter}-${scenario.name.replace(/ /g, '-')}.perf.data`);
        const perf = recordPerf(api.pid, file);
        await perf.ready;
        const run = await drive(api, scenario, settings.durationSeconds);
        await perf.stop();
        const groups = perfBreakdown(file, run.cpuMicrosPerRequest);
        rows.push({ adapter, scenario: scenario.name, file, ...run, groups });
        log(`${adapter} ${scenario.name}: ${file}`);
      }
    } finally {
      await api.stop();
    }
  }
  const header = ['adapter', 'scenario', 'CPU µs/req', ...PERF_GROUPS];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
  for (const r of rows) {
    const cells = PERF_GROUPS.map((name) => fmt(r.groups[name]));
    console.log(
      `| ${r.adapter} | ${r.scenario} | ${fmt(r.cpuMicrosPerRequest)} | ${cells.join(' | ')} |`,
    );
  }
  return rows;
}

const authority = await BenchAuthority.start();
const report = {
  node: process.version,
  cpus: availableParallelism(),
  settings,
};
try {
  if (args.perf) {
    if (!perfAvailable())
      throw new Error('--perf needs Linux perf on the PATH (Debian: linux-perf)');
    report.perf = await perfRuns(authority, resolve(args.perf));
  } else if (args.profile) {
    report.profiles = await profiles(authority, resolve(args.profile));
  } else if (args.memory) {
    report.memory = await memory(authority);
    console.log('| adapter | tokens | RSS after 1 000 | RSS after all | growth |');
    console.log('|---|---:|---:|---:|---:|');
    for (const m of report.memory) {
      console.log(
        `| ${m.adapter} | ${fmt(m.tokens)} | ${fmt(m.rssAfter1kMB, 1)} MB | ${fmt(m.rssAfterAllMB, 1)} MB | ${fmt(m.growthMB, 1)} MB |`,
      );
    }
    report.targets = report.memory.map((m) => ({
      target: `${m.adapter}: RSS growth from 1 000 to ${m.tokens} tokens <= 60 MB`,
      value: Number(m.growthMB.toFixed(1)),
      met: m.growthMB <= 60,
    }));
  } else {
    const floorBefore = rs256VerifyMicros();
    report.results = await throughput(authority);
    // The floor, measured in this run before and after the load: the median of the two.
    report.rs256VerifyMicros = (floorBefore + rs256VerifyMicros()) / 2;
    console.log(
      `\nnode ${process.version}, ${report.cpus} CPUs, ${settings.connections} connections, ` +
        `medians of ${settings.rounds} alternated rounds x ${settings.durationSeconds} s, ` +
        `verify pool ${settings.poolSize} tokens > cache ${settings.cacheSize}; ` +
        `a bare RS256 crypto.verify (cached KeyObject) takes ${fmt(report.rs256VerifyMicros, 1)} µs here\n`,
    );
    printThroughput(report.results, report.rs256VerifyMicros);
    // The guard alone, in its own process: no server, socket or load generator around it.
    report.guardMicros = JSON.parse(
      execFileSync(process.execPath, [join(root, 'scripts/bench-guard.mjs')], { cwd: root }),
    );
    const g = report.guardMicros;
    console.log(
      `\nthe guard alone, in-process (CPU µs per canActivate): cache hit ${fmt(g.hit, 1)}, ` +
        `miss ${fmt(g.miss, 1)}, forged signature ${fmt(g.forged, 1)}; ` +
        `floor ${fmt(report.rs256VerifyMicros, 1)}`,
    );
    console.log('');
    report.coldStart = await coldStart(authority);
    for (const c of report.coldStart) {
      console.log(
        `${c.adapter} cold start: ${c.requests} concurrent first requests, ${c.ok} answered 200, ` +
          `${c.jwksFetches} JWKS fetch(es), ${c.discoveryFetches} discovery fetch(es)`,
      );
    }
    report.targets = targets(report.results, report.coldStart);
  }
  console.log('');
  for (const t of report.targets ?? []) {
    const floor =
      t.floorGuard === undefined
        ? ''
        : ` (floor guard: ${t.floorGuard}; the API ${fmt(t.microsOverFloor)} µs/req above it)`;
    console.log(`${t.met ? 'met ' : 'MISS'}  ${t.target}: ${t.value}${floor}`);
  }
  if (args.json) {
    writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
} finally {
  await authority.close();
}
