import { useRoute, useRouter } from 'vue-router';
import { redirectForRefusal } from './access';
import { readError } from './messages';
import { useSession } from './session';

/**
 * For pages that stay open a while: when the API says the session ended or the role is gone,
 * update the session store and leave for sign-in or /no-access. Resolves to true when it did.
 */
export function useRefusalRedirect(): (err: unknown) => Promise<boolean> {
  const session = useSession();
  const router = useRouter();
  const route = useRoute();

  return async (err) => {
    const { reason } = readError(err);
    const target = redirectForRefusal(reason, route.fullPath);
    if (!target) return false;
    if (reason === 'unauthenticated') session.clear();
    // The role changed: learn the new one so the navigation stops offering admin pages.
    else await session.refresh().catch(() => null);
    await router.replace(target);
    return true;
  };
}
