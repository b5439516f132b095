import { useRouter } from 'vue-router';
import { useSession } from '../../lib/session';
import { trpc } from '../../trpc';
import { useSignOut } from './sign-out';

/** "Sign out" as the app does it: end the session, forget the user, go to the sign-in page. */
export function useAppSignOut() {
  const session = useSession();
  const router = useRouter();
  return useSignOut(
    () => trpc.auth.signOut.mutate(),
    async () => {
      session.clear();
      await router.replace('/sign-in');
    },
  );
}
