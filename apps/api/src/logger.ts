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
   * The line every request writes, in pino's format (the same JSON pino writes for these fields),
   * without pino's per-field work. Its fields are fixed and carry no credential or body, so
   * redaction is not applied.
   */
  requestLine(level: 'info' | 'warn' | 'error', fields: RequestLineFields, message: string): void;
  /** The pino logger underneath: requests log through its children, so each line carries the request id. */
  readonly pino: Pino;
}

export interface RequestLineFields {
  reqId: string;
  method: string;
  procedure: string;
  status: number;
  durationMs: number;
  ip: string | null;
  /** Left out when nobody was signed in, as pino leaves out an undefined field. */
  userId: string | undefined;
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

/** Bytes gathered before a write: a write per line costs auth.me several times what the line itself does. */
const BATCH_BYTES = 65_536;

/**
 * Standard output, gathered into up to 64 kB and written synchronously as pino does by default:
 * whatever is gathered goes out at least every quarter of a second and when the process exits. A
 * write per line, or writes handed to libuv's thread pool, cost auth.me several times what the
 * line itself does, and so did a write every 4 kB on a slow disk (docs/performance.md). A process
 * killed outright (SIGKILL, the OOM killer) loses at most its last quarter second of lines.
 */
function bufferedStdout(): DestinationStream {
  // sonic-boom does the writing (it retries a full pipe, EAGAIN), one Buffer per batch. Each line
  // is copied into the batch's Buffer as it comes, so the line's string dies young: held in a
  // string until the batch was written, 256 lines of pieces outlived the young generation's
  // collections and cost more to move than to write (measured: docs/performance.md).
  const output = pino.destination({ dest: 1, sync: true, contentMode: 'buffer' });
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  const flush = () => {
    if (used === 0) return;
    // sonic-boom may keep the Buffer it is given (a pipe that is full), so the batch is handed
    // over and a new one taken; its types predate its buffer mode, in which write takes a Buffer.
    output.write(batch.subarray(0, used) as unknown as string);
    batch = Buffer.allocUnsafe(BATCH_BYTES);
    used = 0;
  };
  setInterval(flush, 250).unref();
  process.once('exit', () => {
    flush();
    output.flushSync();
  });
  return {
    write: (line: string) => {
      // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
      if (used + line.length * 3 > BATCH_BYTES) {
        flush();
        if (line.length * 3 > BATCH_BYTES) {
          output.write(Buffer.from(line) as unknown as string);
          return;
        }
      }
      used += batch.write(line, used);
    },
  };
}

// The characters JSON.stringify escapes in a string: the quote, the backslash and the C0 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPING = /["\\\u0000-\u001f]/;

/** A JSON string: the value quoted as it is, unless it holds a character JSON escapes (rare here: ids, addresses, names). */
function jsonString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** '000' to '999'. */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'));

/**
 * `new Date().toISOString()` for now, made from its second's text (made once a second) and the
 * millisecond: `toISOString` costs more than the rest of a request line (docs/performance.md).
 */
function isoTimeNow(): () => string {
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const now = Date.now();
    const ms = now % 1000;
    if (now - ms !== second) {
      second = now - ms;
      // "2026-12-07T09:00:04." of "2026-12-07T09:00:04.000Z"
      prefix = new Date(second).toISOString().slice(0, -4);
    }
    return `${prefix}${MILLISECONDS[ms]}Z`;
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (options.pretty ? PinoPretty({ colorize: true, sync: true }) : bufferedStdout());
  const isoTime = isoTimeNow();
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
    // lookups cost the request line more than the rest of it (docs/performance.md). The same JSON,
    // written out field by field, costs less again than JSON.stringify of an object, and less
    // again when a string that needs no escaping is only quoted.
    requestLine: (level, f, message) => {
      if (!base.isLevelEnabled(level)) return;
      const user = f.userId === undefined ? '' : `,"userId":${jsonString(f.userId)}`;
      const ip = f.ip === null ? 'null' : jsonString(f.ip);
      destination.write(
        `{"level":"${level}","time":"${isoTime()}","reqId":${jsonString(f.reqId)},"method":${jsonString(f.method)},"procedure":${jsonString(f.procedure)},"status":${f.status},"durationMs":${f.durationMs},"ip":${ip}${user},"msg":${jsonString(message)}}\n`,
      );
    },
    pino: base,
  };
}
