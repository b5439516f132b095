import type { AuthMeResult, LoadFigures } from './scenarios/auth-me';
import type { ObservabilityCostResult } from './scenarios/observability-cost';
import type { PoolerResult } from './scenarios/pooler';
import type { ProfileSummary } from './scenarios/profile';
import type { SignInsResult } from './scenarios/sign-ins';
import type { SpaResult } from './scenarios/spa';
import type { StartTimeResult } from './scenarios/start-time';
import type { StatementsResult } from './scenarios/statements';
import type { ValidationResult } from './scenarios/validation';

export interface Results {
  spa?: SpaResult;
  startTime?: StartTimeResult;
  validation?: ValidationResult;
  statements?: StatementsResult;
  authMe?: AuthMeResult;
  observability?: ObservabilityCostResult;
  signIns?: SignInsResult;
  pooler?: PoolerResult;
  profile?: ProfileSummary;
  signInProfile?: ProfileSummary;
}

type Row = [benchmark: string, figure: string, target: string, verdict: string];

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'met' : 'NOT MET');

/** The console table: one row per figure, with the target beside it. */
export function formatTable(results: Results): string {
  const rows: Row[] = [];
  const { authMe, observability, signIns, pooler, statements, validation, spa, startTime } = results;
  const figures = (f: LoadFigures) =>
    `${f.requestsPerSecond} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms` +
    (f.cpuMicrosPerRequest === null ? '' : `; CPU/req: node ${f.cpuMicrosPerRequest} us`) +
    (f.postgresCpuMicrosPerRequest === null ? '' : `, pg ${f.postgresCpuMicrosPerRequest} us`) +
    `, load gen ${f.loadCpuMicrosPerRequest} us`;
  if (authMe) {
    rows.push(['auth.me server', figures(authMe.server), '', authMe.server.failures ? `${authMe.server.failures} failed` : '']);
    if (authMe.baseline) {
      rows.push(['auth.me baseline (express+pg)', figures(authMe.baseline), '', authMe.baseline.failures ? `${authMe.baseline.failures} failed` : '']);
    }
    rows.push([
      'auth.me / baseline',
      authMe.ratio === null ? 'n/a (needs Postgres)' : `${authMe.ratio.toFixed(2)}x (rounds ${authMe.ratios.map((r) => r.toFixed(2)).join(', ')})`,
      '>= 0.75x',
      verdict(authMe.ratio === null ? null : authMe.ratio >= 0.75),
    ]);
    if (authMe.cpuRatio !== null) rows.push(['auth.me node CPU/req, baseline / server', `${authMe.cpuRatio.toFixed(2)}x`, '', '']);
  }
  if (observability) {
    rows.push(['auth.me, logs+metrics on', figures(observability.on), '', observability.on.failures ? `${observability.on.failures} failed` : '']);
    rows.push(['auth.me, logs+metrics off', figures(observability.off), '', observability.off.failures ? `${observability.off.failures} failed` : '']);
    const { onOff, control } = observability;
    const range = (blocks: number[]) => `${observability.blocks} blocks ${Math.min(...blocks).toFixed(2)}-${Math.max(...blocks).toFixed(2)}`;
    const side = (r: typeof onOff) =>
      `throughput ${r.throughput.toFixed(3)}x (${range(r.throughputBlocks)})` +
      (r.cpu === null ? '' : `; node CPU/req ${r.cpu.toFixed(3)}x (${range(r.cpuBlocks)}; all rounds pooled ${r.cpuPooled?.toFixed(3)}x)`);
    const how = `${observability.serversPerSide} servers each, ${observability.roundSeconds} s rounds${observability.pinned ? ', servers on a core of their own' : ''}`;
    rows.push([`auth.me on / off (${how})`, side(onOff), '>= 0.95x, CPU <= 1.05x', verdict(onOff.throughput >= 0.95 && (onOff.cpu === null || onOff.cpu <= 1.05))]);
    rows.push(['auth.me off / off (control: one quiet server / the other)', side(control), 'the noise', '']);
  }
  if (signIns) {
    rows.push([
      'full sign-ins',
      `${signIns.signInsPerSecond}/s (${signIns.virtualUsers} clients, p50 ${signIns.p50Ms} ms, p99 ${signIns.p99Ms} ms)`,
      '>= 400/s',
      verdict(signIns.signInsPerSecond >= 400 && signIns.failed === 0) + (signIns.failed ? ` (${signIns.failed} failed)` : ''),
    ]);
    const cpu = signIns.cpuMicrosPerSignIn;
    rows.push([
      'CPU per sign-in',
      [cpu.api === null ? null : `API ${cpu.api} us`, cpu.postgres === null ? null : `pg ${cpu.postgres} us`, `clients+mail ${cpu.bench} us`]
        .filter(Boolean)
        .join(', ') +
        (signIns.commitsPerSignIn === null ? '' : `; ${signIns.commitsPerSignIn} commits/sign-in`) +
        `; ${signIns.emailsPerPostmarkRequest} emails per Postmark request`,
      '',
      '',
    ]);
  }
  if (pooler) {
    for (const { variant, figures: f, poolerCpuMicrosPerRequest } of pooler.authMe) {
      rows.push([`auth.me, ${variant}`, figures(f) + (poolerCpuMicrosPerRequest === null ? '' : `, pgbouncer ${poolerCpuMicrosPerRequest} us`), '', f.failures ? `${f.failures} failed` : '']);
    }
    for (const { variant, result: r } of pooler.signIns) {
      const cpu = r.cpuMicrosPerSignIn;
      rows.push([
        `sign-ins, ${variant}`,
        `${r.signInsPerSecond}/s (p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms); CPU/sign-in: API ${cpu.api ?? '?'} us, pg ${cpu.postgres ?? '?'} us` +
          (cpu.pooler === undefined ? '' : `, pgbouncer ${cpu.pooler ?? '?'} us`),
        '',
        r.failed ? `${r.failed} failed` : '',
      ]);
    }
  }
  if (statements) {
    rows.push([
      'SQL statements per sign-in',
      `${statements.perSignIn} (requestCode ${statements.requestCode} + verifyCode ${statements.verifyCode}); delivery ${statements.deliveryPerPass} per pass, however many emails`,
      'small',
      '',
    ]);
    rows.push(['SQL statements per auth.verifyLink', `${statements.verifyLink}`, `<= verifyCode (${statements.verifyCode})`, verdict(statements.verifyLink <= statements.verifyCode)]);
    rows.push(['SQL statements per auth.me', `${statements.authMe}`, '1', verdict(statements.authMe === 1)]);
  }
  if (validation) {
    rows.push([
      'validateSessionToken',
      `embedded ${validation.embeddedMicros} us/call` +
        (validation.postgresMicros === null ? '' : `, pg ${validation.postgresMicros} us/call, ratio ${validation.ratio}x`),
      '',
      '',
    ]);
  }
  if (spa) {
    const { jsGzipBytes, cssGzipBytes } = spa.signInPage;
    rows.push(['sign-in page JS (gzip)', kB(jsGzipBytes), '<= 60 kB', verdict(jsGzipBytes <= 60_000)]);
    rows.push(['sign-in page CSS (gzip)', kB(cssGzipBytes), '', '']);
    rows.push([
      'admin chunks',
      spa.adminChunks.length ? spa.adminChunks.map((a) => `${a.file} ${kB(a.gzipBytes)}`).join(', ') : 'none in the build',
      'own chunks',
      verdict(!spa.adminInSignInPage),
    ]);
    rows.push([
      'account chunk',
      spa.accountChunks.length ? spa.accountChunks.map((a) => `${a.file} ${kB(a.gzipBytes)}`).join(', ') : 'none in the build',
      'own chunk',
      verdict(spa.accountChunks.length > 0 && !spa.accountInSignInPage),
    ]);
  }
  if (startTime) {
    rows.push(['start to /healthz (node)', `${startTime.nodeMs} ms (runs ${startTime.nodeRuns.join(', ')})`, '< 3000 ms', verdict(startTime.nodeMs < 3000)]);
    if (startTime.pnpmStartMs !== null) {
      rows.push(['start to /healthz (pnpm start)', `${startTime.pnpmStartMs} ms (runs ${startTime.pnpmStartRuns.join(', ')})`, '< 3000 ms', verdict(startTime.pnpmStartMs < 3000)]);
    }
  }
  const header: Row = ['benchmark', 'figure', 'target', ''];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: Row) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The profile's top self-time functions and areas, as text. */
export function formatProfile(profile: ProfileSummary, load: string): string {
  const functions = profile.topFunctions.map((f) => `  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  const areas = profile.byArea.slice(0, 15).map((a) => `  ${a.percent.toFixed(1).padStart(5)}%  ${a.area}`);
  return [`CPU profile of the API under ${load} (${profile.file})`, 'self time by function:', ...functions, 'self time by area:', ...areas].join('\n');
}
