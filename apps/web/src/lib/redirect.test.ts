import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';

describe('safeRedirect', () => {
  it.each([
    '/dashboard',
    '/dashboard?x=1',
    '/dev/mailbox#latest',
    '/',
    '/a/b/c?redirect=%2F%2Fevil.com',
    // Encoded slashes stay part of one path segment; the router never decodes them into "//".
    '/%2F%2Fevil.com',
  ])('keeps the same-site path %j', (path) => {
    expect(safeRedirect(path)).toBe(path);
  });

  it.each([
    ['protocol-relative URL', '//evil.com'],
    ['protocol-relative URL with path', '//evil.com/dashboard'],
    ['backslash that browsers read as a slash', '/\\evil.com'],
    ['backslash later in the path', '/dashboard\\..\\evil'],
    ['absolute https URL', 'https://evil.com'],
    ['absolute http URL', 'http://evil.com/dashboard'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['relative path', 'dashboard'],
    ['tab that browsers strip', '/\t/evil.com'],
    ['newline that browsers strip', '/\n/evil.com'],
    ['NUL byte', '/dashboard\u0000'],
    ['DEL character', '/dash\u007fboard'],
    ['empty string', ''],
    ['leading space', ' /dashboard'],
  ])('rejects a %s', (_label, value) => {
    expect(safeRedirect(value)).toBe('/dashboard');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an array of paths (repeated query parameter)', ['/dev/mailbox', '/dashboard']],
    ['a number', 42],
    ['an object', { path: '/dev/mailbox' }],
  ])('falls back to /dashboard for %s', (_label, value) => {
    expect(safeRedirect(value)).toBe('/dashboard');
  });
});
