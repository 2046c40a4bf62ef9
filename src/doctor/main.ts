import { readEnvironment } from '../config/env.js';
import { runDoctor } from './doctor.js';

/*
 * Entry point of `npm run doctor -- <token>`. The token comes from the arguments or, when there
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
    console.log('Usage: npm run doctor -- <token>   (or pipe the token in on standard input)');
    console.log('Exit code: 0 the API would accept it, 1 it would refuse it, 2 could not tell.');
    return 0;
  }
  const input = args.length > 0 ? args.join(' ') : await readStdin();
  const { exitCode, text } = await runDoctor(input, readEnvironment());
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
