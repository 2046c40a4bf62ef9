import request from 'supertest';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import type { Server as NetServer } from 'node:net';

/*
 * Small helpers shared by the adversarial specs. Tokens come from the kit (`TestAuthority.mint`,
 * `signJws`, `generateTestKey`); these only send them and take them apart.
 */

/** GET `path` (default `/api/me`, which any valid token may call) with `Authorization: Bearer`. */
export const callWith = (server: Server, token: string, path = '/api/me') =>
  request(server).get(path).set('Authorization', `Bearer ${token}`);

/** The three segments of a compact JWS. */
export function segmentsOf(token: string): { header: string; payload: string; signature: string } {
  const [header, payload, signature] = token.split('.');
  return { header, payload, signature };
}

/** The same token with its signature replaced. */
export const withSignature = (token: string, signature: Buffer | string) =>
  `${token.slice(0, token.lastIndexOf('.'))}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;

/** Flips one bit in the middle of the signature: the token still parses, the signature fails. */
export function tamperSignature(token: string): string {
  const sig = Buffer.from(segmentsOf(token).signature, 'base64url');
  sig[sig.length >> 1] ^= 0x01;
  return withSignature(token, sig);
}

/** A loopback TCP server that only counts connections: nothing should ever call it. */
export async function startTrap(): Promise<{
  url: string;
  hits: () => number;
  close(): Promise<void>;
}> {
  let hits = 0;
  const server: NetServer = createServer((socket) => {
    hits++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
