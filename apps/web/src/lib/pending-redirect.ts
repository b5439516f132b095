import { safeRedirect } from './redirect';

const KEY = 'sign-in-redirect';

/** The part of `Storage` this needs; the page passes `localStorage`, tests a Map-backed fake. */
export type RedirectStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * Where the visitor was headed when they asked for a code (`?redirect=`), kept in this browser so
 * the link in the email, which often opens in a new tab, goes there too. `localStorage` because a
 * tab's `sessionStorage` is not shared with the tab the link opens; it never leaves the browser,
 * which is the only place the link works anyway.
 */
export function rememberRedirect(storage: RedirectStorage | null, target: unknown): void {
  try {
    if (typeof target === 'string' && safeRedirect(target) === target) storage?.setItem(KEY, target);
    else storage?.removeItem(KEY);
  } catch {
    // Storage full or refused: the link then goes to the dashboard.
  }
}

/** The remembered target (checked again, it is only a string in storage), forgotten once read. */
export function takeRedirect(storage: RedirectStorage | null): string {
  try {
    const target = storage?.getItem(KEY) ?? null;
    storage?.removeItem(KEY);
    return safeRedirect(target);
  } catch {
    return safeRedirect(null);
  }
}

/** Forgets the target once the code itself was typed. */
export function forgetRedirect(storage: RedirectStorage | null): void {
  rememberRedirect(storage, undefined);
}

/** The browser's `localStorage`, or null where reading it throws (some privacy modes). */
export function browserStorage(): RedirectStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
