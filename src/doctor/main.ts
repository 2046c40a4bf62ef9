import { readEnvironment } from '../config/env.js';
import { USAGE, runDoctor } from './doctor.js';

/*
 * Entry point of `npm run doctor -- [--fetch-issuer] <token>`. The token comes from the arguments or, when there
 * are none, from standard input (`npm run -s token | npm run doctor`), which keeps it out of the
 * shell history. Configuration: `.env` when present, the environment winning, as for the API.
 */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args[0] === '-h' || args[0] === '--help') {
    console.log(`Usage: ${USAGE}`);
    console.log(
      "--fetch-issuer: also look at what the token's own issuer publishes (its word, not",
    );
    console.log(
      '  followed unasked; public addresses only, or loopback for a loopback authority).',
    );
    console.log('Exit code: 0 the API would accept it, 1 it would refuse it, 2 could not tell.');
    return 0;
  }
  const fetchIssuer = args.includes('--fetch-issuer');
  const words = args.filter((arg) => arg !== '--fetch-issuer');
  const input = words.length > 0 ? words.join(' ') : await readStdin();
  const { exitCode, text } = await runDoctor(input, readEnvironment(), { fetchIssuer });
  console.log(text);
  return exitCode;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
