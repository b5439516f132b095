import { pino, type DestinationStream } from 'pino';
import { isoTime, type RequestLineFields, type RequestLineLevel, requestLineText } from './request-line';

/** Bytes gathered before a write. */
const BATCH_BYTES = 262_144;
/**
 * Request lines held as their fields before they are made text, all at once: a line is a few
 * hundred bytes, so they fit the batch however many bytes their characters take in UTF-8.
 */
const HELD_LINES = 64;

interface HeldLine {
  level: RequestLineLevel;
  at: number;
  fields: RequestLineFields;
  message: string;
}

/**
 * Standard output, gathered into up to 256 kB and written synchronously as pino does by default:
 * whatever is gathered goes out at least every quarter of a second and when the process exits. A
 * write per line, or writes handed to libuv's thread pool, cost auth.me several times what the
 * line itself does, and so did a write every 4 kB on a slow disk (docs/performance.md). A process
 * killed outright (SIGKILL, the OOM killer) loses at most its last quarter second of lines.
 *
 * Request lines are held as their fields (`hold`) and made text 64 at a time, before any other
 * line and before each write, so the output keeps the order lines were logged in: made in a loop
 * with others a line costs 0.9 µs, made alone in the middle of a request about five times that
 * (docs/performance.md). The text is copied into the batch's Buffer as it is made, so its strings
 * die young, rather than outliving the young generation's collections in one string held until
 * the batch is written.
 */
export class StdoutBatch implements DestinationStream {
  // sonic-boom does the writing (it retries a full pipe, EAGAIN), one Buffer per batch.
  private readonly output = pino.destination({ dest: 1, sync: true, contentMode: 'buffer' });
  private batch = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  private readonly held: HeldLine[] = [];

  constructor() {
    setInterval(this.flush, 250).unref();
    process.once('exit', () => {
      this.flush();
      this.output.flushSync();
    });
  }

  write(line: string): void {
    if (this.held.length > 0) this.makeHeldLines();
    this.append(line);
  }

  /** A request line, made text later, in its place among the others. */
  hold(level: RequestLineLevel, at: number, fields: RequestLineFields, message: string): void {
    this.held.push({ level, at, fields, message });
    if (this.held.length === HELD_LINES) this.makeHeldLines();
  }

  readonly flush = (): void => {
    if (this.held.length > 0) this.makeHeldLines();
    this.writeBatch();
  };

  private writeBatch(): void {
    if (this.used === 0) return;
    // sonic-boom may keep the Buffer it is given (a pipe that is full), so the batch is handed
    // over and a new one taken; its types predate its buffer mode, in which write takes a Buffer.
    this.output.write(this.batch.subarray(0, this.used) as unknown as string);
    this.batch = Buffer.allocUnsafe(BATCH_BYTES);
    this.used = 0;
  }

  /** The held lines as one text, copied into the batch in one go. */
  private makeHeldLines(): void {
    let text = '';
    for (const { level, at, fields, message } of this.held) text += requestLineText(level, isoTime(at), fields, message);
    this.held.length = 0;
    this.append(text);
  }

  private append(line: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    if (this.used + line.length * 3 > BATCH_BYTES) {
      this.writeBatch();
      if (line.length * 3 > BATCH_BYTES) {
        this.output.write(Buffer.from(line) as unknown as string);
        return;
      }
    }
    this.used += this.batch.write(line, this.used);
  }
}
