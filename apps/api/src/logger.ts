import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogLevel } from './config';
import { isoTime, type RequestLineFields, type RequestLineLevel, requestLineText } from './logging/request-line';
import { StdoutBatch } from './logging/stdout-batch';

export type { RequestLineFields } from './logging/request-line';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A block of text for people (e.g. a development email), written as is. */
  print(text: string): void;
  /**
   * The line every request writes, in pino's format (the same JSON pino writes for these fields),
   * without pino's per-field work. Its fields are fixed and carry no credential or body, so
   * redaction is not applied. Standard output keeps `fields` until it writes the line: the
   * caller hands them over and does not change them afterwards.
   */
  requestLine(level: RequestLineLevel, fields: RequestLineFields, message: string): void;
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

export function createLogger(options: LoggerOptions): Logger {
  const stdout = options.destination !== undefined || options.pretty ? null : new StdoutBatch();
  const destination = options.destination ?? stdout ?? PinoPretty({ colorize: true, sync: true });
  const base = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: () => `,"time":"${isoTime(Date.now())}"`,
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
    requestLine: (level, fields, message) => {
      if (!base.isLevelEnabled(level)) return;
      // Standard output holds the line's fields and makes its text later, with others.
      if (stdout) stdout.hold(level, Date.now(), fields, message);
      else destination.write(requestLineText(level, isoTime(Date.now()), fields, message));
    },
    pino: base,
  };
}
