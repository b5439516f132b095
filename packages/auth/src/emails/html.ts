/** An email ready to queue: subject, plain-text part and HTML part. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
