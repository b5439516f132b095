export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A block of text for people (e.g. a development email), written as is. */
  print(text: string): void;
}

/** One JSON object a line on stdout/stderr: easy for people to read and for log shippers to parse. */
export function createLogger(write: { out: (line: string) => void; err: (line: string) => void } = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields });
    (level === 'info' ? write.out : write.err)(line);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    print: (text) => write.out(text),
  };
}

