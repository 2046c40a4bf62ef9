import { request } from 'node:http';
import type { HttpAnswer } from '../../src/auth/testing/index.js';

/**
 * One HTTP request with headers exactly as given (a flat `rawHeaders`-style list, so a header
 * can be sent twice, which supertest can't do), answered as the RFC 6750 matchers read it.
 */
export function rawRequest(
  url: string,
  { method = 'GET', headers = [], body }: { method?: string; headers?: string[]; body?: string },
): Promise<HttpAnswer & { status: number }> {
  return new Promise((resolve, reject) => {
    const host = new URL(url).host;
    const req = request(url, { method, headers: ['Host', host, ...headers] }, (res) => {
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
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
