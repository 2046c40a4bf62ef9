// Summarizes a .cpuprofile (V8's format, as node --cpu-prof writes it) as its top self-time
// functions, for `npm run bench -- --profile <dir>`.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Preload for the API process: SIGWINCH starts the profiler, a second SIGWINCH writes and exits. */
export const PROFILER = new URL('./bench-profiler.mjs', import.meta.url).href;

/** The `count` functions with the most self time, as { name, where, selfMs, share of busy time }. */
export function topSelfTime(file, root, count = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Shares are of busy time: idle, and the profiler's own stop call, are left out.
  const skipped = (node) =>
    node.callFrame.functionName === '(idle)' ||
    (node.callFrame.functionName === 'dispatch' && node.callFrame.url === '');
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    if (skipped(byId.get(id))) return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const byFunction = new Map();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
    const where = path ? `${path.replace(/^node_modules\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: e.micros / 1000,
      share: e.micros / total,
    }));
}
