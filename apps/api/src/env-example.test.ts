import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from './config';

const exampleFile = resolve(import.meta.dirname, '../../../.env.example');
const VARIABLE = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/;

/** The variables `.env.example` lists (commented out or not), with their value and the line above. */
function readExample(): Array<{ name: string; value: string; comment: string }> {
  const lines = readFileSync(exampleFile, 'utf8').split('\n');
  return lines.flatMap((line, i) => {
    const match = VARIABLE.exec(line);
    return match ? [{ name: match[1]!, value: match[2]!, comment: lines[i - 1] ?? '' }] : [];
  });
}

describe('.env.example', () => {
  const example = readExample();
  const schema = envSchema.shape as Record<string, (typeof envSchema.shape)[keyof typeof envSchema.shape]>;

  it('lists exactly the variables the config reads', () => {
    const listed = example.map((v) => v.name);
    const read = Object.keys(schema);
    expect({
      'missing from .env.example': read.filter((name) => !listed.includes(name)).sort(),
      'in .env.example but not read by config.ts': listed.filter((name) => !read.includes(name)).sort(),
      'listed twice': listed.filter((name, i) => listed.indexOf(name) !== i),
    }).toEqual({ 'missing from .env.example': [], 'in .env.example but not read by config.ts': [], 'listed twice': [] });
  });

  it('shows each default and explains each variable in a comment line above it', () => {
    for (const { name, value, comment } of example) {
      const check = schema[name];
      if (!check) continue;
      expect(check.parse(value), `${name}=${value} is not the default`).toEqual(check.parse(undefined));
      expect(comment, `${name} has no comment line above it`).toMatch(/^# (?![A-Z][A-Z0-9_]*=)\S/);
    }
  });
});
