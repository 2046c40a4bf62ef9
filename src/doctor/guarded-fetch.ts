import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AuthorityFetchError, jsonObjectOf, type FetchLimits } from '../auth/keys/fetch-json.js';
import { addressVerdict } from './public-address.js';

/** The doctor would not connect there: the address is not one it may reach. */
export class FetchRefusedError extends Error {}

/**
 * A DNS lookup that only ever answers addresses the doctor may reach. Connections use what it
 * answers, so a name that resolves elsewhere between a check and the connection can't slip by.
 */
function guardedLookup(loopbackAllowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const verdict = addressVerdict(address, loopbackAllowed);
        if (!verdict.allowed) return callback(new FetchRefusedError(verdict.why), '', 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Reads the body up to `maxBytes`, stopping the transfer as soon as it is larger. */
function readCapped(response: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

function get(url: URL, limits: FetchLimits, loopbackAllowed: boolean): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { accept: 'application/json' },
      lookup: guardedLookup(loopbackAllowed),
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

/**
 * GETs a JSON object for the doctor from a URL a token led to: only from addresses it may reach
 * (`addressVerdict`), no redirect, a time limit for the whole exchange and the API's size cap,
 * enforced while reading. Its errors never quote what the server sent.
 */
export async function fetchJsonGuarded(
  part: AuthorityFetchError['part'],
  url: string,
  options: { limits: FetchLimits; loopbackAllowed: boolean },
): Promise<Record<string, unknown>> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const verdict = addressVerdict(host, options.loopbackAllowed);
    if (!verdict.allowed) throw new FetchRefusedError(verdict.why);
  }
  const fail = (detail: string) => new AuthorityFetchError(part, url, detail);
  let text: string | undefined;
  try {
    const response = await get(target, options.limits, options.loopbackAllowed);
    if (response.statusCode !== 200) {
      response.destroy();
      throw fail(`HTTP ${response.statusCode}`);
    }
    text = await readCapped(response, options.limits.maxBytes);
  } catch (error) {
    if (error instanceof AuthorityFetchError || error instanceof FetchRefusedError) throw error;
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') {
      throw fail(`no answer within ${options.limits.timeoutMs} ms`);
    }
    throw fail((error as { code?: string }).code ?? 'the request failed');
  }
  if (text === undefined) throw fail(`response larger than ${options.limits.maxBytes} bytes`);
  return jsonObjectOf(text, fail);
}
