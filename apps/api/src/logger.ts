import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogLevel } from './config';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A block of text for people (e.g. a development email), written as is. */
  print(text: string): void;
  /**
   * A line of plain values under fixed names, in pino's format, without pino's per-field work:
   * for the line every request writes. Its names are chosen by the caller, so redaction is not
   * applied; never pass a field that could carry a credential or a body.
   */
  line(level: 'info' | 'warn' | 'error', fields: Record<string, string | number | null | undefined>, message: string): void;
  /** The pino logger underneath: requests log through its children, so each line carries the request id. */
  readonly pino: Pino;
}

/**
 * Whatever could carry a credential or a message body, where a log line could hold it. Call sites
 * do not log these; this is the net under them. Named paths only: wildcards (`*.cookie`) doubled
 * the cost of every log line when measured.
 */
export const REDACTED_PATHS = [
  'cookie',
  'code',
  'token',
  'secret',
  'authorization',
  'textBody',
  'htmlBody',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  'email.textBody',
  'email.htmlBody',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Readable lines for a terminal (development); otherwise one JSON object a line. */
  pretty?: boolean;
  /** Where lines go (tests pass a stream they read); stdout by default. */
  destination?: DestinationStream;
}

/**
 * Standard output, written synchronously as pino does by default, but about 4 kB at a time:
 * whatever is gathered goes out at least every quarter of a second and when the process exits.
 * One write per line, or writes handed to libuv's thread pool, cost auth.me several times what
 * the line itself does (docs/performance.md). A process killed outright (SIGKILL, the OOM killer)
 * loses at most its last quarter second of lines.
 */
function bufferedStdout(): DestinationStream {
  // Buffers in, not strings: in string mode sonic-boom measures its whole pending buffer on every
  // write (Buffer.byteLength flattens the growing string), which doubled the cost of a line.
  const output = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 250, contentMode: 'buffer' });
  process.once('exit', () => output.flushSync());
  return {
    // sonic-boom's types predate its buffer mode: in it, write takes a Buffer.
    write: (line: string) => output.write(Buffer.from(line) as unknown as string),
  };
}

/** `new Date().toISOString()`, made once per millisecond: under load several lines share one. */
function isoTimeOncePerMillisecond(): () => string {
  let last = 0;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== last) {
      last = now;
      text = new Date(now).toISOString();
    }
    return text;
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (options.pretty ? PinoPretty({ colorize: true, sync: true }) : bufferedStdout());
  const isoTime = isoTimeOncePerMillisecond();
  const base = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: () => `,"time":"${isoTime()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
  return {
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
    print: (text) => {
      if (options.level !== 'silent') destination.write(`${text}\n`);
    },
    // pino looks each field up in its serialiser and redaction tables; in a running server those
    // lookups cost the request line more than the rest of it (docs/performance.md). JSON.stringify
    // of the same fields writes the same line.
    line: (level, fields, message) => {
      if (!base.isLevelEnabled(level)) return;
      const json = JSON.stringify(fields);
      const rest = json.length > 2 ? `${json.slice(1, -1)},` : '';
      destination.write(`{"level":"${level}","time":"${isoTime()}",${rest}"msg":${JSON.stringify(message)}}\n`);
    },
    pino: base,
  };
}
