/** The fields of the line every request writes (observe-requests.ts). */
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

export type RequestLineLevel = 'info' | 'warn' | 'error';

// The characters JSON.stringify escapes in a string: the quote, the backslash and the C0 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPING = /["\\\u0000-\u001f]/;

/** A JSON string: the value quoted as it is, unless it holds a character JSON escapes (rare here: ids, addresses, names). */
function jsonString(value: string): string {
  return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * A duration in milliseconds to a tenth, as JSON writes it (`12`, `1.5`), from two small integers:
 * V8 turns a fraction into text by a general algorithm several times slower.
 */
function tenths(ms: number): string {
  const t = Math.round(ms * 10);
  // Anything but a whole number of tenths (as the request line gives) is left to JSON.
  if (t / 10 !== ms || t < 0 || !Number.isSafeInteger(t)) return JSON.stringify(ms);
  const tenth = t % 10;
  return tenth === 0 ? `${t / 10}` : `${(t - tenth) / 10}.${tenth}`;
}

/**
 * The request line, the JSON pino writes for these fields (logger.test.ts compares them), without
 * pino's per-field work: pino looks each field up in its serialiser and redaction tables, which in
 * a running server cost the line more than the rest of it (docs/performance.md). Its fields are
 * fixed and carry no credential or body, so redaction is not needed.
 */
export function requestLineText(level: RequestLineLevel, time: string, f: RequestLineFields, message: string): string {
  const user = f.userId === undefined ? '' : `,"userId":${jsonString(f.userId)}`;
  const ip = f.ip === null ? 'null' : jsonString(f.ip);
  return `{"level":"${level}","time":"${time}","reqId":${jsonString(f.reqId)},"method":${jsonString(f.method)},"procedure":${jsonString(f.procedure)},"status":${f.status},"durationMs":${tenths(f.durationMs)},"ip":${ip}${user},"msg":${jsonString(message)}}\n`;
}

/** '000' to '999'. */
const MILLISECONDS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'));
let second = Number.NaN;
let secondText = '';

/**
 * `new Date(ms).toISOString()`, made from its second's text (kept from the last call) and the
 * millisecond: `toISOString` costs more than the rest of a request line (docs/performance.md).
 */
export function isoTime(ms: number): string {
  if (ms < 0 || !Number.isSafeInteger(ms)) return new Date(ms).toISOString();
  const milliseconds = ms % 1000;
  if (ms - milliseconds !== second) {
    second = ms - milliseconds;
    // "2026-12-07T09:00:04." of "2026-12-07T09:00:04.000Z"
    secondText = new Date(second).toISOString().slice(0, -4);
  }
  return `${secondText}${MILLISECONDS[milliseconds]}Z`;
}
