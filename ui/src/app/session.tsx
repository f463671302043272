/** Who is signed in: `GET /api/me` through TanStack Query (null: signed out). */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect } from 'react';
import { api, ApiError, setCsrfToken, setOnPasswordChangeRequired, setOnUnauthenticated } from '../api/client';
import { keys } from '../api/keys';
import type { Session, User } from '../api/types';

export function useSessionQuery() {
  const queryClient = useQueryClient();
  useEffect(() => {
    setOnUnauthenticated(() => {
      setCsrfToken(null);
      queryClient.setQueryData(keys.me, null);
    });
    // The session gate then shows only the change-password page (an admin reset the password meanwhile).
    setOnPasswordChangeRequired(() => {
      queryClient.setQueryData<Session | null>(keys.me, (me) => (me ? { ...me, user: { ...me.user, mustChangePassword: true } } : me));
    });
    return () => {
      setOnUnauthenticated(null);
      setOnPasswordChangeRequired(null);
    };
  }, [queryClient]);
  return useQuery({
    queryKey: keys.me,
    staleTime: Infinity,
    retry: false,
    queryFn: async () => {
      try {
        const me = await api<Session>('GET', '/api/me', { quiet401: true });
        setCsrfToken(me.csrfToken);
        return me;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
  });
}

export const UserContext = createContext<User | null>(null);

/** The signed-in user (only inside the signed-in shell). */
export function useUser(): User {
  const user = useContext(UserContext);
  if (!user) throw new Error('useUser outside a signed-in page');
  return user;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useCallback(
    (session: Session) => {
      setCsrfToken(session.csrfToken);
      // Not clear(): the session gate observes the `me` query, which must stay the same query.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      queryClient.setQueryData(keys.me, session);
    },
    [queryClient],
  );
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useCallback(() => {
    api('POST', '/api/auth/logout', { quiet401: true })
      .catch(() => {})
      .finally(() => {
        setCsrfToken(null);
        queryClient.setQueryData(keys.me, null);
        queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      });
  }, [queryClient]);
}
