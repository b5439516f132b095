import type { LogLevel } from '../../src/config';
import { createLogger, type Logger } from '../../src/logger';

export interface LogEntry {
  level: string;
  message: string;
  /** The line's fields, without level, time and msg. */
  fields: Record<string, unknown>;
  /** The line exactly as written. */
  raw: string;
}

/** The real pino logger, writing into `entries` instead of stdout. */
export function capturingLogger(level: LogLevel = 'info'): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const destination = {
    write(raw: string) {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (!line.startsWith('{')) {
        entries.push({ level: 'print', message: line, fields: {}, raw });
        return;
      }
      const { level: lineLevel, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
      entries.push({ level: String(lineLevel), message: String(msg), fields, raw });
    },
  };
  return { log: createLogger({ level, destination }), entries };
}
