import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLicence, type LicenceListing, licenceProblems, listProductionLicences } from './licences';

const repoRoot = resolve(import.meta.dirname, '..');

describe('classifyLicence', () => {
  it.each([
    ['MIT', 'allowed'],
    ['apache-2.0', 'allowed'],
    ['(MIT AND Zlib)', 'allowed'],
    ['(MIT OR GPL-3.0-or-later)', 'allowed'],
    ['GPL-2.0-only OR (BSD-3-Clause AND ISC)', 'allowed'],
    ['BSL-1.0', 'allowed'],
    ['AGPL-3.0-or-later', 'copyleft'],
    ['GPL-2.0+', 'copyleft'],
    ['LGPL-2.1-only', 'copyleft'],
    ['SSPL-1.0', 'copyleft'],
    ['BUSL-1.1', 'copyleft'],
    ['GPL-2.0-only WITH Classpath-exception-2.0', 'copyleft'],
    ['MIT AND GPL-3.0-only', 'copyleft'],
    ['(AGPL-3.0-only OR SSPL-1.0)', 'copyleft'],
    ['Unknown', 'unknown'],
    ['SEE LICENSE IN LICENSE.txt', 'unknown'],
    ['MIT OR', 'unknown'],
    ['(MIT', 'unknown'],
    ['MIT OR )', 'unknown'],
    ['MIT OR (Apache-2.0', 'unknown'],
    ['', 'unknown'],
    ['MIT AND Proprietary', 'unknown'],
  ])('reads %j as %s', (expression, verdict) => {
    expect(classifyLicence(expression)).toBe(verdict);
  });
});

describe('licenceProblems', () => {
  it('names every copyleft or unknown package and passes the rest', () => {
    const listing: LicenceListing = {
      MIT: [{ name: 'express', versions: ['5.3.0'], license: 'MIT' }],
      'AGPL-3.0-or-later': [{ name: 'ua-parser-js', versions: ['2.0.10'], license: 'AGPL-3.0-or-later' }],
      '(MIT OR GPL-3.0)': [{ name: 'jszip', versions: ['3.10.1'], license: '(MIT OR GPL-3.0)' }],
      Unknown: [{ name: 'mystery', versions: ['1.0.0', '1.1.0'], license: 'Unknown' }],
    };
    expect(licenceProblems(listing)).toEqual([
      'mystery@1.0.0, 1.1.0: "Unknown" is not a known permissive licence',
      'ua-parser-js@2.0.10: "AGPL-3.0-or-later" is copyleft or source-available',
    ]);
  });
});

describe('production dependencies', () => {
  it('are all under a permissive licence', () => {
    const listing = listProductionLicences(repoRoot);
    // The listing must be real: the API's own dependencies are in it.
    expect(Object.values(listing).flat().map((p) => p.name)).toEqual(expect.arrayContaining(['express', 'postmark', 'ua-parser-js', 'vue']));
    expect(licenceProblems(listing)).toEqual([]);
  });
});
