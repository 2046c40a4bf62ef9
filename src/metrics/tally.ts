import type { Metric, Registry } from 'prom-client';

/*
 * Meters whose hot path is a number increment: a series is an object made once (at start, or the
 * first time a fixed label set is seen), kept by the caller and bumped per request. prom-client
 * only reads them when Prometheus scrapes, through the documented metric shape (`get()`); its own
 * `inc`/`observe` would hash a label object on every call.
 */

export type Labels = Readonly<Record<string, string>>;

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}

  inc(): void {
    this.value += 1;
  }
}

export class HistogramSeries {
  /** Per bucket (not cumulative): `counts[i]` holds values in (bounds[i-1], bounds[i]]. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i] += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A family of series under one name, read by the registry at scrape time. */
abstract class Family<S extends CounterSeries | HistogramSeries> {
  readonly aggregator = 'sum';
  protected readonly all: S[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    // The registry needs `name` and `get()` (and `reset()`), which this provides.
    registry.registerMetric(this as unknown as Metric);
  }

  abstract readonly type: 'counter' | 'histogram';
  protected abstract create(labels: Labels): S;
  protected abstract samples(series: S): Sample[];

  /** A new series; call it at start, or for a label set drawn from a fixed set. */
  series(labels: Labels): S {
    const series = this.create(labels);
    this.all.push(series);
    return series;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: Sample[];
    aggregator: string;
  }> {
    const values = this.all.flatMap((series) => this.samples(series));
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, values, aggregator });
  }

  reset(): void {
    for (const series of this.all) Object.assign(series, this.create(series.labels));
  }
}

export class CounterFamily extends Family<CounterSeries> {
  readonly type = 'counter';

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  protected samples(series: CounterSeries): Sample[] {
    return [{ value: series.value, labels: { ...series.labels } }];
  }
}

export class HistogramFamily extends Family<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    registry: Registry,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, registry);
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }

  protected samples(series: HistogramSeries): Sample[] {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    const buckets = this.bounds.map((le, i) => {
      cumulative += series.counts[i];
      return { metricName: bucket, value: cumulative, labels: { ...series.labels, le } };
    });
    return [
      ...buckets,
      { metricName: bucket, value: series.count, labels: { ...series.labels, le: '+Inf' } },
      { metricName: `${this.name}_sum`, value: series.sum, labels: { ...series.labels } },
      { metricName: `${this.name}_count`, value: series.count, labels: { ...series.labels } },
    ];
  }
}
