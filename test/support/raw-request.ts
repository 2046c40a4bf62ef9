import { request } from 'node:http';
import type { HttpAnswer } from '../../src/auth/testing/index.js';

/** An HTTP answer as the client saw it, before any library tidied it. */
export interface RawAnswer extends HttpAnswer {
  status: number;
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or its text when it isn't JSON. */
  body: unknown;
  text: string;
}

/**
 * One HTTP request with header lines exactly as given, in order, duplicates included (a flat
 * `rawHeaders`-style list: name, value, name, value...), which supertest can't send: it folds
 * duplicates. `Host` is added unless given. The answer is what the RFC 6750 matchers read.
 */
export function rawRequest(
  url: string,
  {
    method = 'GET',
    headers = [],
    body,
  }: { method?: string; headers?: string[]; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const hasHost = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host');
    const lines = hasHost ? headers : ['Host', new URL(url).host, ...headers];
    const req = request(url, { method, headers: lines }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({
          status: res.statusCode ?? 0,
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: parsed,
          text,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
