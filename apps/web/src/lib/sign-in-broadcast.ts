// Same origin, same browser profile: exactly where a sign-in link works.
const CHANNEL = 'sign-in';

/** Tells this app's other tabs in this browser that it is signed in now (the link page, after the link). */
export function announceSignIn(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage('signed-in');
  channel.close();
}

/** Calls `onSignedIn` when another tab of this browser announces a sign-in; returns the way to stop. */
export function onSignInElsewhere(onSignedIn: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => onSignedIn();
  return () => channel.close();
}
