import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { CounterFamily, HistogramFamily } from './tally.js';

/** The series read through prom-client's own registry, as Prometheus gets them. */
describe('tally meters', () => {
  it('writes a counter family in Prometheus text, every series from the start', async () => {
    const registry = new Registry();
    const family = new CounterFamily('things_total', 'Things', registry);
    const ok = family.series({ result: 'ok' });
    family.series({ result: 'bad', reason: 'odd' });
    ok.inc();
    ok.inc();
    expect(await registry.metrics()).toBe(
      [
        '# HELP things_total Things',
        '# TYPE things_total counter',
        'things_total{result="ok"} 2',
        'things_total{result="bad",reason="odd"} 0',
        '',
      ].join('\n'),
    );
  });

  it('writes a histogram with cumulative buckets, +Inf, sum and count', async () => {
    const registry = new Registry();
    const family = new HistogramFamily('wait_seconds', 'Waits', registry, [0.1, 1]);
    const series = family.series({ result: 'ok' });
    for (const value of [0.05, 0.1, 0.5, 3]) series.observe(value);
    const text = await registry.metrics();
    expect(text.split('\n').filter((line) => !line.startsWith('#') && line)).toEqual([
      'wait_seconds_bucket{result="ok",le="0.1"} 2',
      'wait_seconds_bucket{result="ok",le="1"} 3',
      'wait_seconds_bucket{result="ok",le="+Inf"} 4',
      'wait_seconds_sum{result="ok"} 3.65',
      'wait_seconds_count{result="ok"} 4',
    ]);
    expect(text).toContain('# TYPE wait_seconds histogram');
  });

  it('resets every series to zero, keeping it', async () => {
    const registry = new Registry();
    const counter = new CounterFamily('c_total', 'C', registry).series({ a: 'x' });
    const histogram = new HistogramFamily('h_seconds', 'H', registry, [1]).series({});
    counter.inc();
    histogram.observe(0.5);
    registry.resetMetrics();
    counter.inc();
    const text = await registry.metrics();
    expect(text).toContain('c_total{a="x"} 1');
    expect(text).toContain('h_seconds_count 0');
    expect(text).toContain('h_seconds_bucket{le="1"} 0');
  });
});
