import { execFileSync } from 'node:child_process';

/** One installed package as `pnpm licenses list --json` describes it. */
export interface LicensedPackage {
  name: string;
  versions: string[];
  license: string;
}

/** `pnpm licenses list --json`: the packages grouped under their licence. */
export type LicenceListing = Record<string, LicensedPackage[]>;

export type Verdict = 'allowed' | 'copyleft' | 'unknown';

// Licences a closed-source service can ship (SPDX ids, compared case-insensitively).
const PERMISSIVE = new Set(
  ['MIT', 'MIT-0', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Zlib', 'BlueOak-1.0.0', 'CC0-1.0', 'CC-BY-4.0', 'Unlicense', 'Python-2.0', 'BSL-1.0'].map(
    (id) => id.toUpperCase(),
  ),
);
// Strong and weak copyleft or source-available: AGPL, GPL, LGPL, SSPL, BUSL in any version or
// suffix (-only, -or-later, +). BSL-1.0 (Boost) above is permissive and not BUSL.
const COPYLEFT = /^(A|L)?GPL|^SSPL|^BUSL/i;

/**
 * What a package's licence string allows, read as an SPDX expression: `A OR B` is fine when one
 * side is, `A AND B` only when both are, `X WITH exception` is judged by X. Anything that is not a
 * recognised SPDX expression (pnpm's "Unknown", "SEE LICENSE IN …", a typo) is unknown.
 */
export function classifyLicence(expression: string): Verdict {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  let malformed = false;
  const peek = () => tokens[position]?.toUpperCase();

  // `next (operator next)*`, folding the verdicts with `combine`.
  const chain = (operator: string, next: () => Verdict, combine: (a: Verdict, b: Verdict) => Verdict) => (): Verdict => {
    let verdict = next();
    while (peek() === operator) {
      position++;
      verdict = combine(verdict, next());
    }
    return verdict;
  };
  function term(): Verdict {
    const token = tokens[position++];
    let verdict: Verdict;
    if (token === '(') {
      verdict = or();
      if (tokens[position++] !== ')') malformed = true;
    } else if (token === undefined || ['OR', 'AND', 'WITH', ')'].includes(token.toUpperCase())) {
      malformed = true;
      return 'unknown';
    } else {
      verdict = single(token);
    }
    if (peek() === 'WITH') position += 2;
    return verdict;
  }
  // OR binds loosest, then AND, then WITH (SPDX precedence).
  const and = chain('AND', term, worst);
  const or = chain('OR', and, best);

  const verdict = or();
  return malformed || position !== tokens.length ? 'unknown' : verdict;
}

function single(id: string): Verdict {
  if (COPYLEFT.test(id)) return 'copyleft';
  return PERMISSIVE.has(id.replace(/\+$/, '').toUpperCase()) ? 'allowed' : 'unknown';
}

const RANK: Record<Verdict, number> = { allowed: 0, unknown: 1, copyleft: 2 };
const best = (a: Verdict, b: Verdict) => (RANK[a] <= RANK[b] ? a : b);
const worst = (a: Verdict, b: Verdict) => (RANK[a] >= RANK[b] ? a : b);

/** One line per package whose licence is copyleft or unknown, naming it; empty when all are fine. */
export function licenceProblems(listing: LicenceListing): string[] {
  const problems: string[] = [];
  for (const [group, packages] of Object.entries(listing)) {
    for (const pkg of packages) {
      const licence = pkg.license || group;
      const verdict = classifyLicence(licence);
      if (verdict === 'allowed') continue;
      const why = verdict === 'copyleft' ? 'copyleft or source-available' : 'not a known permissive licence';
      problems.push(`${pkg.name}@${pkg.versions.join(', ')}: "${licence}" is ${why}`);
    }
  }
  return problems.sort();
}

/** The licences of every installed production dependency, from node_modules (no network). */
export function listProductionLicences(cwd: string): LicenceListing {
  const out = execFileSync('pnpm', ['licenses', 'list', '--prod', '--json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as LicenceListing;
}
