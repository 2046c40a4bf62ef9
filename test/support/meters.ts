import type { TestApp } from '../../src/auth/testing/index.js';

/** One sample of a scrape: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .map((line) => LINE.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, name, labels = '', value]) => ({
      name,
      labels: Object.fromEntries([...labels.matchAll(LABEL)].map(([, k, v]) => [k, v])),
      value: Number(value),
    }));
}

/** A scrape, read in a spec: `meters.value('auth_authentications_total', { result: 'success' })`. */
export class Meters {
  constructor(
    readonly samples: readonly Sample[],
    readonly text: string,
  ) {}

  /** The sum of the samples of `name` whose labels include `labels` (0 when none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, sample) => sum + sample.value, 0);
  }

  /** The samples of `name` whose labels include `labels`. */
  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  }

  /** How many series the scrape holds whose name starts with `prefix`. */
  seriesCount(prefix = ''): number {
    return this.samples.filter((s) => s.name.startsWith(prefix)).length;
  }
}

/**
 * A scraper of `GET /metrics` with one `metrics:read` token, as Prometheus scrapes: from its second
 * scrape on, its own request counts one cache hit, one success and one allowed scope. Anything
 * but a 200 fails loudly.
 */
export function scraper(api: TestApp): () => Promise<Meters> {
  const token = api.authority.mint({ scope: 'metrics:read' });
  return async () => {
    const res = await api.withToken(token).get('/metrics');
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${res.text}`);
    return new Meters(parseMetrics(res.text), res.text);
  };
}
