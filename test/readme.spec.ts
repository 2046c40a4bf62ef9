import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

const readme = readFileSync('README.md', 'utf8');

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

  it('documents every variable of .env.example', () => {
    const variables = [
      ...readFileSync('.env.example', 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm),
    ];
    expect(variables.length).toBeGreaterThan(5);
    for (const [, name] of variables) expect(readme).toContain(`\`${name}\``);
  });
});
