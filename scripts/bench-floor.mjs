// The floor under a verification: one bare RS256 `crypto.verify` of a token-sized input with a
// cached KeyObject, in this process, on this machine, now. `npm run bench` prints it beside the
// API's CPU time per request, so the distance to it is measured, not guessed.
import { generateKeyPairSync, sign, verify } from 'node:crypto';

/** Microseconds per RS256 verify: the median of `rounds` timed loops of `count` verifies. */
export function rs256VerifyMicros({ count = 4000, rounds = 5 } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = Buffer.from('h'.repeat(100) + '.' + 'p'.repeat(400));
  const signature = sign('sha256', input, privateKey);
  for (let i = 0; i < 500; i++) verify('sha256', input, publicKey, signature);
  const times = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      if (!verify('sha256', input, publicKey, signature)) throw new Error('verify failed');
    }
    times.push(Number(process.hrtime.bigint() - start) / 1000 / count);
  }
  return times.sort((a, b) => a - b)[rounds >> 1];
}
