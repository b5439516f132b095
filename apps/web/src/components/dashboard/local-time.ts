/**
 * A formatter for "now" in the user's saved time zone, e.g. "Monday, 15 January 2024 at 21:00:00 GMT+9".
 * Returns null for a zone this browser does not know, so the page can say so instead of crashing.
 */
export function localTimeFormatter(timeZone: string, locale?: string): ((date: Date) => string) | null {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'full', timeStyle: 'long' });
  } catch {
    return null;
  }
  return (date) => format.format(date);
}
