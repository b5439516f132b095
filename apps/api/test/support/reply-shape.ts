import type { Reply } from './test-browser';

/** What an observer sees of a reply, with the email, the cookie's value, dates and the request id taken out. */
export function replyShape(reply: Reply, email: string) {
  const headers = [...reply.headers]
    .filter(([name]) => !['date', 'set-cookie', 'etag', 'x-request-id'].includes(name))
    .map(([name, value]) => `${name}: ${value}`);
  const cookies = reply.headers.getSetCookie().map((c) => c.replace(/=[^;]*/, '=<value>').replace(/Expires=[^;]*/i, 'Expires=<date>'));
  return { status: reply.status, body: JSON.stringify(reply.body).replaceAll(email, '<email>'), headers, cookies };
}
