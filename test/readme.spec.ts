import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const readme = readFileSync('README.md', 'utf8');
const configuration = readFileSync('docs/configuration.md', 'utf8');
const pages = [
  ['README.md', readme] as const,
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => [join('docs', f), readFileSync(join('docs', f), 'utf8')] as const),
];

/** The fenced block right after `<!-- example: <path> -->` in the README. */
function exampleBlock(path: string): string | undefined {
  const marker = `<!-- example: ${path} -->`;
  const start = readme.indexOf(marker);
  if (start < 0) return undefined;
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start + marker.length));
  return match?.[1];
}

describe('README', () => {
  it('shows test/reports.e2e-spec.ts exactly as it is, so the example cannot rot', () => {
    expect(exampleBlock('test/reports.e2e-spec.ts')).toBe(
      readFileSync('test/reports.e2e-spec.ts', 'utf8'),
    );
  });

  it('keeps the example short: at most 20 lines of code', () => {
    const lines = readFileSync('test/reports.e2e-spec.ts', 'utf8').split('\n');
    const code = lines.filter((line) => line.trim() !== '');
    expect(code.length).toBeGreaterThanOrEqual(10);
    expect(code.length).toBeLessThanOrEqual(20);
  });

  it('stays a front page: at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('documents every variable of .env.example, in its table and in docs/configuration.md', () => {
    const variables = [
      ...readFileSync('.env.example', 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm),
    ];
    expect(variables.length).toBeGreaterThan(5);
    for (const [, name] of variables) {
      expect(readme).toContain(`| \`${name}\``);
      expect(configuration).toContain(`\`${name}\``);
    }
  });
});

describe('README.md and docs/', () => {
  // Counts and times go stale; a measured figure belongs in docs/performance.md with its date.
  it.each(pages)('%s quotes no test count and no suite run time', (_file, text) => {
    expect(text).not.toMatch(/\b\d[\d,]* (?:tests|test cases|cases|test files|spec files)\b/i);
    expect(text).not.toMatch(/\b(?:takes|took) about \d/i);
  });
});
