/**
 * A moment as the person reads it in an email: "Thursday, 3 December 2026 at 14:05 (Europe/Berlin)", in
 * their own time zone when one is known, else UTC. English, like every email.
 */
export function describeMoment(at: Date, timeZone: string | null): string {
  const zone = timeZone ?? 'UTC';
  const date = new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full' }).format(at);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${date} at ${time} (${zone})`;
}
