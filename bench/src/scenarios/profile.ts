import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiSetup, startApi } from '../support/api-process';
import { round } from '../support/stats';
import { loadAuthMe } from './auth-me';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Self time by function, largest first, as a share of all samples. */
  topFunctions: Array<{ name: string; where: string; percent: number }>;
  /** Self time by package (node_modules), the app bundle, Node internals, GC, idle. */
  byArea: Array<{ area: string; percent: number }>;
}

/** Summarises the newest .cpuprofile in `dir` (written by `node --cpu-prof`). */
export function summariseProfile(dir: string, top = 25): ProfileSummary {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const total = profile.samples.length || 1;
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += hits;
    byFunction.set(key, entry);
    const area = areaOf(name, url);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const percent = (hits: number) => round((hits / total) * 100, 1);
  return {
    file: join(dir, file),
    sampledMs: round((profile.endTime - profile.startTime) / 1000, 0),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, percent: percent(f.hits) })),
    byArea: [...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([area, hits]) => ({ area, percent: percent(hits) })),
  };
}

function shortUrl(url: string): string {
  const pkg = /node_modules\/\.pnpm\/[^/]+\/node_modules\/(.+)$/.exec(url);
  if (pkg) return pkg[1]!;
  return url.replace(/^file:\/\/.*?\/apps\//, 'apps/');
}

function areaOf(name: string, url: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  if (url.includes('/apps/api/dist/')) return 'app (apps/api bundle)';
  return url;
}

/** The node flags that make the API write a CPU profile into `dir` when it stops. */
export const profileFlags = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

/** Runs the API with `--cpu-prof` under auth.me load for `seconds`, then summarises the profile. */
export async function profileAuthMe(input: {
  setup: ApiSetup;
  cookies: readonly string[];
  dir: string;
  seconds: number;
  connections: number;
  poolSize: number;
}): Promise<ProfileSummary> {
  const server = await startApi(input.setup, {
    nodeArgs: profileFlags(input.dir),
    env: { DATABASE_POOL_SIZE: String(input.poolSize) },
  });
  try {
    await loadAuthMe(server, input.cookies, input.connections, input.seconds);
  } finally {
    await server.stop();
  }
  return summariseProfile(input.dir);
}
