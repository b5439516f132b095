import { describe, expect, it } from 'vitest';
import { parseEmail } from './email-address';

describe('parseEmail', () => {
  it('trims and lower-cases', () => {
    expect(parseEmail('  Ada.Lovelace+x@Example.COM ')).toEqual({ ok: true, email: 'ada.lovelace+x@example.com' });
  });
  it('calls empty input missing', () => {
    for (const input of ['', '   ', undefined, null]) expect(parseEmail(input)).toEqual({ ok: false, reason: 'missing_email' });
  });
  it('refuses malformed addresses', () => {
    for (const input of ['ada', 'ada@', '@example.com', 'ada@example', 'a b@example.com', 'ada@exa mple.com', '.ada@example.com',
      'ada..x@example.com', 'ada@-example.com', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`, 
      '<script>@example.com', "ada'--@example.com; drop table users", 42, {}]) {
      expect(parseEmail(input)).toEqual({ ok: false, reason: 'invalid_email' });
    }
  });
});
