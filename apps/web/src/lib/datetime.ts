/** Locale and zone for formatting; both default to the viewer's browser. */
export type FormatOptions = { locale?: string; timeZone?: string };

function format(iso: string, style: Intl.DateTimeFormatOptions, options: FormatOptions): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, { ...style, timeZone: options.timeZone }).format(date);
}

/** "26 Nov 2025", in the viewer's zone; the raw value if it is not a date. */
export function formatDate(iso: string, options: FormatOptions = {}): string {
  return format(iso, { dateStyle: 'medium' }, options);
}

/** "26 Nov 2025, 14:31" (with `seconds`: "14:31:05"), in the viewer's zone. */
export function formatDateTime(iso: string, options: FormatOptions & { seconds?: boolean } = {}): string {
  return format(iso, { dateStyle: 'medium', timeStyle: options.seconds ? 'medium' : 'short' }, options);
}

/** "14:31", in the viewer's zone. */
export function formatTime(iso: string, options: FormatOptions = {}): string {
  return format(iso, { timeStyle: 'short' }, options);
}
