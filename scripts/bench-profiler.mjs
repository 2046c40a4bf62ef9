// Preloaded into the API by `npm run bench -- --profile <dir>` (node --import). The first SIGWINCH
// (not SIGUSR2: Nest's shutdown hooks take that one)
// starts the V8 CPU profiler, the second writes BENCH_PROFILE_FILE and exits: the profile holds
// the measured load only, not start-up or warm-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

let running = false;
process.on('SIGWINCH', () => {
  if (!running) {
    running = true;
    // A sample every 100 µs: a miss costs a few hundred, so the default (about 1 ms) blurs it.
    void post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 100 }))
      .then(() => post('Profiler.start'));
    return;
  }
  void post('Profiler.stop').then(({ profile }) => {
    writeFileSync(process.env.BENCH_PROFILE_FILE, JSON.stringify(profile));
    process.exit(0);
  });
});
