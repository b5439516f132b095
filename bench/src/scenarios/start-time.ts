import { join } from 'node:path';
import { type ApiSetup, apiEnv, startApi } from '../support/api-process';
import { freePort } from '@app/api/testing';
import { startProcess } from '../support/processes';
import { median, round } from '../support/stats';

export interface StartTimeResult {
  /** `node --enable-source-maps dist/main.js` (what `pnpm start` runs) to the first 200 from /healthz. */
  nodeMs: number;
  nodeRuns: number[];
  /** `pnpm start` from the repository root to the first 200; null when pnpm was not found. */
  pnpmStartMs: number | null;
  pnpmStartRuns: number[];
}

/**
 * Start-up against an existing embedded database: one start creates and migrates it, then each
 * measured start opens it, checks migrations and the first admin, and listens.
 */
export async function benchStartTime(input: { setup: ApiSetup; workDir: string; runs: number; /** The pnpm executable, or null to skip `pnpm start`. */ pnpm: string | null }): Promise<StartTimeResult> {
  const setup: ApiSetup = { ...input.setup, databaseEnv: { DATA_DIR: join(input.workDir, 'start-embedded') } };
  const env = { ADMIN_EMAIL: 'admin@bench.test' };
  await (await startApi(setup, { env })).stop();

  const nodeRuns: number[] = [];
  for (let i = 0; i < input.runs; i += 1) {
    const server = await startApi(setup, { env, timeoutMs: 30_000 });
    nodeRuns.push(round(server.readyAfterMs, 0));
    await server.stop();
  }
  const pnpmStartRuns: number[] = [];
  if (input.pnpm) {
    for (let i = 0; i < input.runs; i += 1) {
      const port = await freePort();
      const server = await startProcess({
        name: 'pnpm start',
        command: input.pnpm,
        args: ['start'],
        cwd: input.setup.repoRoot,
        env: apiEnv(setup, port, env),
        port,
        logFile: setup.logFile,
        group: true,
        timeoutMs: 30_000,
      });
      pnpmStartRuns.push(round(server.readyAfterMs, 0));
      await server.stop();
    }
  }
  return {
    nodeMs: median(nodeRuns),
    nodeRuns,
    pnpmStartMs: pnpmStartRuns.length ? median(pnpmStartRuns) : null,
    pnpmStartRuns,
  };
}
