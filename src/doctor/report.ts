import type { DecodedToken } from '../auth/core/decoded-token.js';
import { parseScopes } from '../auth/core/scopes.js';
import { countKeys, relative, type AuthorityFacts, type Diagnosis } from './diagnose.js';

/*
 * The doctor's report as text. It shows the token's header and claims, never its signature nor
 * the token itself. Every line is made printable, so a hostile claim can't drive the terminal.
 */

/** What the doctor concludes: its exit code and its report. */
export interface DoctorOutcome {
  /** 0 accepted; 1 refused because of the token; 2 could not tell (configuration, authority). */
  exitCode: 0 | 1 | 2;
  text: string;
}

export interface ReportInput {
  audiences: readonly string[];
  /** Where the configuration came from, e.g. the development authority note. */
  notes: string[];
  /** Every listed authority, in order. */
  authorities: AuthorityFacts[];
  decoded?: DecodedToken;
  /** How the input looked when it is not a JWS: e.g. `5 segments`. */
  shape: string;
  diagnosis: Diagnosis;
  nowSeconds: number;
}

const MARK = { passed: '✓', failed: '✗', not_reached: '·' } as const;

/** Replaces control and bidirectional-override characters, which could drive a terminal. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
}

function clipStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}...` : value;
  if (Array.isArray(value)) return value.map(clipStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v)]));
  }
  return value;
}

const json = (value: unknown, indent?: number) => JSON.stringify(clipStrings(value), null, indent);
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();

function tokenSection(input: ReportInput): string[] {
  const { decoded, nowSeconds } = input;
  if (!decoded) return ['Token', `  ${input.shape} (not shown)`];
  const claimLines = json(decoded.claims, 2).split('\n');
  const lines = [
    'Token (the signature is not shown)',
    `  header  ${json(decoded.header)}`,
    `  claims  ${claimLines[0]}`,
    ...claimLines.slice(1).map((l) => `          ${l}`),
  ];
  const times = ['iat', 'nbf', 'exp']
    .filter((name) => typeof decoded.claims[name] === 'number')
    .map((name) => {
      const t = decoded.claims[name] as number;
      return Number.isFinite(t) && Math.abs(t) < 1e11
        ? `${name} ${isoOf(t)} (${relative(t, nowSeconds)})`
        : `${name} ${t}`;
    });
  if (times.length > 0) lines.push(`  times   ${times.join(', ')}`);
  lines.push(`  scopes  ${parseScopes(decoded.claims).join(' ') || '(none)'}`);
  return lines;
}

/** The discovery and keys lines of one authority. */
function authorityState(a: AuthorityFacts): string[] {
  const discovery = a.metadataError
    ? `✗ ${a.metadataError}`
    : `✓ ${a.metadataSource ?? '(not fetched)'}`;
  const keys = a.keysError
    ? `✗ ${a.keysError}`
    : a.jwksUri
      ? `✓ ${countKeys(a.kids.length)} at ${a.jwksUri}: ${a.kids.join(', ')}`
      : '· not fetched';
  return [`  discovery  ${discovery}`, `  keys       ${keys}`];
}

function authoritySection(input: ReportInput): string[] {
  const { authorities } = input;
  const audience = `  audience   ${input.audiences.join(', ')}`;
  const listed =
    authorities.length === 1
      ? [`  authority  ${authorities[0].issuer}`, audience, ...authorityState(authorities[0])]
      : [
          ...authorities.flatMap((a) => [`  authority  ${a.issuer}`, ...authorityState(a)]),
          audience,
        ];
  return [
    'The API (from .env and the environment)',
    ...input.notes.map((n) => `  note       ${n}`),
    ...listed,
  ];
}

function checksSection(diagnosis: Diagnosis): string[] {
  const width = Math.max(...diagnosis.checks.map((c) => c.label.length));
  const lines = ['Checks, in the order the API runs them'];
  for (const check of diagnosis.checks) {
    lines.push(`  ${MARK[check.outcome]} ${check.label.padEnd(width)}  ${check.detail}`);
    if (check.fix) lines.push(`    ${'fix'.padEnd(width)}  ${check.fix}`);
  }
  return lines;
}

function verdictSection(diagnosis: Diagnosis): string[] {
  if (diagnosis.accepted) return ['Verdict', '  ✓ ACCEPTED: the API would accept this token.'];
  const { status, challenge } = diagnosis.answer;
  const lines = ['Verdict'];
  lines.push(
    status === 503
      ? '  ✗ NOT CHECKED: the API answers 503 (the authority is unavailable; the token is not blamed).'
      : `  ✗ REJECTED: the API answers ${status}`,
  );
  if (challenge) lines.push(`    WWW-Authenticate: ${challenge}`);
  return lines;
}

export function formatReport(input: ReportInput): string {
  const { diagnosis } = input;
  const sections = [
    authoritySection(input),
    tokenSection(input),
    checksSection(diagnosis),
    diagnosis.findings.length > 0
      ? ['Diagnosis', ...diagnosis.findings.map((f) => `  - ${f}`)]
      : [],
    verdictSection(diagnosis),
  ].filter((s) => s.length > 0);
  return sections.map((s) => s.map(printable).join('\n')).join('\n\n');
}
