import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The variable names of the API's `environment: &api-environment` block in compose.yaml. */
function composeApiVariables(): string[] {
  const lines = readFileSync(resolve(repoRoot, 'compose.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^\s*environment: &api-environment\s*$/.test(line));
  if (start < 0) throw new Error('compose.yaml has no "environment: &api-environment" block');
  const indent = (line: string) => line.length - line.trimStart().length;
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (indent(line) <= indent(lines[start]!)) break;
    const name = /^\s*([A-Za-z_][A-Za-z0-9_]*):/.exec(line)?.[1];
    if (!name) throw new Error(`compose.yaml: cannot read "${line.trim()}" in the API's environment`);
    names.push(name);
  }
  return names;
}

/** The variables set in the README's production command. */
function readmeProductionVariables(): string[] {
  const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  const block = /## Production\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no shell block under "## Production"');
  return [...block.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]!);
}

describe('compose.yaml', () => {
  const variables = composeApiVariables();

  it('names only variables the API reads', () => {
    expect(variables.filter((name) => !(name in envSchema.shape))).toEqual([]);
  });

  it('sets every variable the README production command sets', () => {
    const production = readmeProductionVariables();
    expect(production).toEqual(expect.arrayContaining(['NODE_ENV', 'APP_URL', 'AUTH_SECRET', 'DATABASE_URL']));
    expect(production.filter((name) => !variables.includes(name))).toEqual([]);
  });
});
