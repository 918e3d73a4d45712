// The signed-in staff member: read from GET /api/session at start, set by the sign-in form, cleared on
// sign-out and whenever the API answers 401 (the session expired after inactivity or was ended).
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type ApiError, del, get, post, setCsrfToken, setUnauthorizedHandler } from '../shared/api.ts';
import type { Session, User } from '../shared/types.ts';

interface SessionState {
  /** undefined while the first check runs */
  user: User | null | undefined;
  /** Why the user was sent to the sign-in page (shown there once). */
  notice: string | null;
  signIn: (username: string, password: string) => Promise<User>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('no signed-in user');
  return user;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { t } = useTranslation();

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
    setNotice(null);
  }, []);

  useEffect(() => {
    get<Session>('/api/session')
      .then(accept)
      .catch(() => setUser(null));
  }, [accept]);

  useEffect(() => {
    setUnauthorizedHandler((error: ApiError) => {
      setCsrfToken(null);
      setUser(null);
      queryClient.clear();
      // Requests in flight when the session ended all fail: any of them saying "expired" wins (the
      // others may only see that there is no session any more).
      setNotice((previous) =>
        error.code === 'session-expired' ? t('session.expired') : (previous ?? t('session.required')),
      );
      navigate('/login', { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, queryClient, t]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const session = await post<Session>('/api/session', { username, password }, { quiet401: true });
      queryClient.clear();
      accept(session);
      return session.user;
    },
    [accept, queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await del('/api/session');
    } finally {
      setCsrfToken(null);
      setUser(null);
      setNotice(null);
      queryClient.clear();
      navigate('/login', { replace: true });
    }
  }, [navigate, queryClient]);

  const value = useMemo(() => ({ user, notice, signIn, signOut }), [user, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Where each role starts. */
export function homeOf(user: User): string {
  switch (user.role) {
    case 'clerk':
      return '/clerk';
    case 'department':
      return '/tasks';
    case 'manager':
      return '/manager';
    default:
      return '/admin/users';
  }
}
