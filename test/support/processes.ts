import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A `DATA_DIR` of its own for a built process (never the repository's ./data): a copy of the
 * initialised directory `prepared-data-dir.global-setup.mjs` made, so the child needs no initdb;
 * `memory://` when there is none. `remove()` deletes the copy.
 */
export function embeddedDataDir(): { dataDir: string; remove(): void } {
  const { version } = JSON.parse(
    readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8'),
  ) as { version: string };
  const prepared = join('node_modules', '.cache', 'pglite-template', `${version}-datadir`);
  if (!existsSync(join(prepared, 'PG_VERSION'))) return { dataDir: 'memory://', remove() {} };
  const dataDir = mkdtempSync(join(tmpdir(), 'api-data-'));
  cpSync(prepared, dataDir, { recursive: true });
  return { dataDir, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** A port that was free a moment ago (the process under test binds it itself). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Polls `condition` every 50 ms, up to 60 s (a process on a busy machine may create its embedded
 * database from scratch first); the test fails with `what` otherwise.
 */
export async function until(condition: () => Promise<boolean> | boolean, what: () => string) {
  for (let i = 0; i < 1200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what()}`);
}

/** Whether something accepts TCP connections on `host:port`. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A node process of this project, with its output collected. */
export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
}

export function runNode(script: string, env: Record<string, string | undefined>): Running {
  // An embedded database (DATA_DIR, CONTRACT.md) of its own, not the repository's ./data.
  const data = embeddedDataDir();
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, DATA_DIR: data.dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      data.remove();
      resolve(code ?? signal);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
