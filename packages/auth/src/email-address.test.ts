import { describe, expect, it } from 'vitest';
import { canonicalMailbox, parseEmail } from './email-address';

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

describe('canonicalMailbox', () => {
  it('drops +tags everywhere, and dots at Gmail, where they reach the same inbox', () => {
    expect(canonicalMailbox('victim+1@gmail.com')).toBe('victim@gmail.com');
    expect(canonicalMailbox('v.ic.tim+x+y@gmail.com')).toBe('victim@gmail.com');
    expect(canonicalMailbox('v.ictim@googlemail.com')).toBe('victim@gmail.com');
    expect(canonicalMailbox('first.last+news@example.com')).toBe('first.last@example.com');
    expect(canonicalMailbox('ada@example.com')).toBe('ada@example.com');
    // A local part that is only a tag is its own mailbox.
    expect(canonicalMailbox('+tag@example.com')).toBe('+tag@example.com');
  });
});
