/** Why the authority could not give us what we asked for. The token is never blamed for this. */
export class AuthorityFetchError extends Error {
  constructor(
    readonly part: 'metadata' | 'keys' | 'introspection',
    readonly url: string,
    detail: string,
    /** The HTTP status, when the authority answered with an error status. */
    readonly status?: number,
  ) {
    super(`${part} from ${url}: ${detail}`);
  }
}

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 512 * 1024 };

/** A form POST (the introspection call); without one, the request is a GET. */
export interface FormPost {
  form: URLSearchParams;
  headers?: Record<string, string>;
}

/**
 * GETs (or POSTs a form and reads) a JSON object with a hard timeout (the whole exchange, body
 * included) and a size cap. Redirects are not followed: metadata, keys and the introspection
 * endpoint must live where the configuration says.
 */
export async function fetchJsonObject(
  part: AuthorityFetchError['part'],
  url: string,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  post?: FormPost,
): Promise<Record<string, unknown>> {
  const fail = (detail: string, status?: number) =>
    new AuthorityFetchError(part, url, detail, status);
  let text: string;
  try {
    const response = await fetch(url, {
      method: post ? 'POST' : 'GET',
      headers: { accept: 'application/json', ...post?.headers },
      body: post?.form,
      redirect: 'error',
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw fail(`HTTP ${response.status}`, response.status);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      throw fail(`response larger than ${limits.maxBytes} bytes`);
    }
    text = await readCapped(response, limits.maxBytes, fail);
  } catch (error) {
    if (error instanceof AuthorityFetchError) throw error;
    const name = (error as Error).name;
    throw fail(
      name === 'TimeoutError' ? `no answer within ${limits.timeoutMs} ms` : describe(error),
    );
  }
  return jsonObjectOf(text, fail);
}

/** The JSON object `text` holds, or the error `fail` makes (never quoting the text). */
export function jsonObjectOf(
  text: string,
  fail: (detail: string) => Error,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('response is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('response is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * The body as text, read chunk by chunk and given up as soon as it passes `maxBytes`: a chunked
 * answer of any size costs at most that much memory.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  fail: (detail: string) => AuthorityFetchError,
): Promise<string> {
  if (!response.body) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw fail(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'UND_ERR_SOCKET') return 'the connection closed without an answer';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
