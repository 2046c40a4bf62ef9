// The API under test, in its own process: `node dist/main.js` with the environment pointed at the
// bench's authority, on a free port. Its CPU time and RSS are read from /proc (Linux).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const USER_HZ = 100; // clock ticks per second of /proc/<pid>/stat on Linux

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `node dist/main.js` and resolves once GET /health answers 200.
 * `extraNodeArgs` go before the script (e.g. `--cpu-prof`).
 */
export async function startApiProcess({ adapter, env, cwd, extraNodeArgs = [] }) {
  const port = await freePort();
  const child = spawn(process.execPath, [...extraNodeArgs, 'dist/main.js'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HTTP_ADAPTER: adapter,
      PORT: String(port),
      // An embedded database in memory: the bench measures authentication, never ./data.
      DATA_DIR: 'memory://',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) {
      throw new Error(`the API exited with ${child.exitCode}: ${stderr.trim()}`);
    }
    if (waited > 30_000) throw new Error(`the API did not answer on ${url} within 30 s`);
    const ok = await fetch(`${url}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    await sleep(50);
  }

  return {
    adapter,
    url,
    pid: child.pid,
    /**
     * User and system (kernel) CPU time of the process so far, in microseconds. System time is
     * mostly the sockets: a write to loopback also wakes the load generator.
     */
    cpuTimes() {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return {
        user: (Number(fields[11]) * 1e6) / USER_HZ,
        system: (Number(fields[12]) * 1e6) / USER_HZ,
      };
    },
    /**
     * The seconds the API's garbage collector has paused it so far, every kind summed: prom-client's
     * `nodejs_gc_duration_seconds`, read from `GET /metrics` with a `metrics:read` token.
     */
    async gcSeconds(metricsToken) {
      const res = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      let seconds = 0;
      for (const line of (await res.text()).split('\n')) {
        if (line.startsWith('nodejs_gc_duration_seconds_sum'))
          seconds += Number(line.split(' ')[1]);
      }
      return seconds;
    },
    /** Resident set size, in bytes. */
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
    },
    signal(name) {
      child.kill(name);
    },
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
