import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter, RouterInputs } from '@app/api/router';

/** The typed API client. Plain JSON (no transformer): dates arrive as ISO strings. */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: '/trpc',
      // The session cookie is HttpOnly and same-origin; never send it anywhere else.
      fetch: (url, options) => fetch(url, { ...options, credentials: 'same-origin' }),
    }),
  ],
});

type Api = typeof trpc;
export type SessionUser = NonNullable<Awaited<ReturnType<Api['auth']['me']['query']>>>;
export type MailboxItem = Awaited<ReturnType<Api['dev']['mailbox']['query']>>['items'][number];
export type RequestCodeResult = Awaited<ReturnType<Api['auth']['requestCode']['mutate']>>;
export type VerifyCodeResult = Awaited<ReturnType<Api['auth']['verifyCode']['mutate']>>;
export type VerifyLinkResult = Awaited<ReturnType<Api['auth']['verifyLink']['mutate']>>;
export type RequestEmailChangeResult = Awaited<ReturnType<Api['account']['email']['requestChange']['mutate']>>;
export type ConfirmEmailChangeResult = Awaited<ReturnType<Api['account']['email']['confirmChange']['mutate']>>;
export type { AccountSession, AdminUser, AuditEntry, Invitation } from '@app/api/router';
export type UserListInput = NonNullable<RouterInputs['admin']['users']['list']>;
export type AuditListInput = NonNullable<RouterInputs['admin']['audit']['list']>;
