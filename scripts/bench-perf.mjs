// `npm run bench -- --perf <dir>`: Linux `perf` samples the API during each scenario's run, and
// each sample is put in a group by its symbol. Unlike the V8 profiler (`--profile`), perf sees
// native code (OpenSSL), the garbage collector's helper threads and the kernel, and does not slow
// the RSA verify down. Needs `perf` on the PATH (Debian: linux-perf) and the right to attach.
import { execFileSync, spawn, spawnSync } from 'node:child_process';

/** Node flags that let perf name JIT-compiled JavaScript functions (it reads /tmp/perf-<pid>.map). */
export const PERF_NODE_ARGS = [
  '--perf-basic-prof-only-functions',
  '--interpreted-frames-native-stack',
];

/** Groups, in the order a symbol is tested against them; the first match wins. */
const GROUPS = [
  ['kernel', (kind) => kind === 'k'],
  [
    'garbage collector',
    (_k, sym) =>
      /Scaveng|MarkCompact|Sweep|ConcurrentMark|Heap::|Evacuat|RememberedSet|SlotSet|MemoryChunk|MemoryAllocator|futex|GCTracer|IncrementalMarking|Marking|PagedSpace|NewSpace|SemiSpace/.test(
        sym,
      ),
  ],
  ['RSA/EC/SHA arithmetic', (_k, sym) => /^_*bn_|^BN_|^rsa_|^ecp_|^ec_|sha256|SHA256/.test(sym)],
  [
    'OpenSSL around it',
    (_k, sym) =>
      /OPENSSL|ossl_|EVP_|do_name|ERR_|OBJ_|pthread_rwlock|CRYPTO_|evp_|strcasecmp|ASN1/.test(sym),
  ],
  [
    'malloc, free, memmove',
    (_k, sym) => /malloc|free|memmove|memcpy|memset|unlink_chunk/.test(sym),
  ],
  ['JavaScript and V8 builtins', (_k, sym) => /^JS:|^Builtins_/.test(sym)],
  ['the rest of V8 and Node', () => true],
];
export const PERF_GROUPS = GROUPS.map(([name]) => name);

export function perfAvailable() {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts `perf record` on a process; `stop()` ends it and resolves once the file is written. */
export function recordPerf(pid, file) {
  const perf = spawn('perf', ['record', '-F', '1999', '-g', '-p', String(pid), '-o', file], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => perf.on('exit', resolve));
  return {
    // perf needs a moment to attach before the load starts.
    ready: new Promise((resolve) => setTimeout(resolve, 300)),
    async stop() {
      perf.kill('SIGINT');
      await exited;
    },
  };
}

/** Each group's share of the samples in `file`, as µs per request of `cpuMicrosPerRequest`. */
export function perfBreakdown(file, cpuMicrosPerRequest) {
  const out = execFileSync(
    'perf',
    ['report', '-i', file, '--no-children', '--sort', 'sym', '--stdio', '-g', 'none'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const micros = Object.fromEntries(PERF_GROUPS.map((name) => [name, 0]));
  for (const line of out.split('\n')) {
    const match = /^\s+([\d.]+)%\s+\[(.)\]\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, percent, kind, symbol] = match;
    const [name] = GROUPS.find(([, test]) => test(kind, symbol));
    micros[name] += (Number(percent) * cpuMicrosPerRequest) / 100;
  }
  return micros;
}
