import { describe, expect, it } from '@jest/globals';
import GithubSlugger from 'github-slugger';
import { Marked, type Token, type Tokens } from 'marked';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, normalize, relative } from 'node:path';

/*
 * Every relative link and image in README.md and docs/*.md points at a file that exists, and every
 * #anchor at a heading of its target, slugged by GitHub's rules (github-slugger).
 */

const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md'))].map((f) =>
  f === 'README.md' ? f : join('docs', f),
);
const markdown = new Marked();

/** A heading's text as GitHub slugs it: inline code kept, markup and HTML tags dropped. */
function plainText(tokens: Token[] = []): string {
  return tokens
    .map((t) => {
      if (t.type === 'html') return '';
      if ('tokens' in t && t.tokens) return plainText(t.tokens);
      return 'text' in t ? String(t.text) : '';
    })
    .join('');
}

function parse(text: string): { anchors: Set<string>; links: string[] } {
  const tokens = markdown.lexer(text);
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const links: string[] = [];
  // walkTokens returns the callbacks' results; ours return nothing.
  void markdown.walkTokens(tokens, (token) => {
    if (token.type === 'heading')
      anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
    if (token.type === 'link' || token.type === 'image') links.push((token as Tokens.Link).href);
  });
  return { anchors, links };
}

const isExternal = (href: string) => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//');

/** The links of `file` (text given or read from disk) that lead nowhere, with the reason. */
function brokenLinks(file: string, text = readFileSync(file, 'utf8')): string[] {
  const { anchors, links } = parse(text);
  return links
    .filter((href) => !isExternal(href))
    .flatMap((href) => {
      const [path, anchor] = decodeURI(href).split('#', 2);
      const target = path === '' ? file : normalize(join(dirname(file), path));
      if (relative('.', target).startsWith('..')) return [`${href}: leaves the repository`];
      if (path !== '' && !existsSync(target)) return [`${href}: no file ${target}`];
      if (anchor === undefined || extname(target) !== '.md') return [];
      const known = target === file ? anchors : parse(readFileSync(target, 'utf8')).anchors;
      return known.has(anchor) ? [] : [`${href}: no heading #${anchor} in ${target}`];
    });
}

/** Every file of these folders, recursively. */
function filesUnder(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name)),
  );
}

describe('links in README.md and docs/', () => {
  it.each(DOCS)('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('finds links to check: the README reaches every page of docs/', () => {
    const { links } = parse(readFileSync('README.md', 'utf8'));
    expect(DOCS.length).toBeGreaterThan(1);
    for (const page of DOCS.filter((f) => f !== 'README.md')) {
      expect(links.some((href) => href.split('#')[0] === page)).toBe(true);
    }
  });

  it('code and configuration name only pages of docs/ that exist', () => {
    const sources = [
      ...filesUnder('src', 'scripts', 'test'),
      '.env.example',
      'jest.config.js',
    ].filter(
      (file) => file !== join('test', 'docs-links.spec.ts'), // its fixture names missing pages
    );
    const named = sources.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w/.-]+\.md\b/g)].map(([path]) => path),
    );
    expect(named).toContain('docs/performance.md');
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });

  it('reports a missing file, a missing anchor and a link out of the repository', () => {
    const text = [
      '# A `code` heading, with **marks**',
      '## Repeated',
      '## Repeated',
      '[ok](#a-code-heading-with-marks) [ok](#repeated-1) [ok](configuration.md#development-defaults)',
      '[ok](https://example.com/nowhere.md) ![ok](swagger-ui.png)',
      '[bad](nowhere.md) [bad](#repeated-2) [bad](configuration.md#nowhere) [bad](../../outside.md)',
      '```md',
      '[in code, not a link](nowhere.md)',
      '```',
    ].join('\n\n');
    expect(brokenLinks('docs/fixture.md', text)).toEqual([
      'nowhere.md: no file docs/nowhere.md',
      '#repeated-2: no heading #repeated-2 in docs/fixture.md',
      'configuration.md#nowhere: no heading #nowhere in docs/configuration.md',
      '../../outside.md: leaves the repository',
    ]);
  });
});
