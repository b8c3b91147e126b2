// Sign-in with OpenID Connect (authorization code + PKCE, oidc-client-ts) at the issuer the
// partner registry names for the chosen org. The portal keeps only the signed-in user's tokens
// (session storage); an expired session says so and signs in again, back to the same page.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import i18n from '../i18n';
import { config, orgById, type PortalOrg } from '../config';

const ORG_KEY = 'gridspace.org';
const PENDING_KEY = 'gridspace.pendingOrg';
const managers = new Map<string, UserManager>();

function managerFor(org: PortalOrg): UserManager {
  let manager = managers.get(org.id);
  if (!manager) {
    manager = new UserManager({
      authority: org.issuer,
      client_id: org.clientId,
      redirect_uri: `${location.origin}/callback`,
      post_logout_redirect_uri: `${location.origin}/`,
      response_type: 'code',
      scope: 'openid profile gridspace',
      resource: config().resource,
      loadUserInfo: false,
      automaticSilentRenew: false,
      monitorSession: false,
      userStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: `gridspace.${org.id}.` }),
    });
    managers.set(org.id, manager);
  }
  return manager;
}

export interface Session {
  org: PortalOrg;
  user: User;
  accessToken: string;
  isOperator: boolean;
}

interface SessionState {
  session: Session | undefined;
  /** The session ran out (token expired or refused); the page stays, a dialog offers sign-in. */
  expired: boolean;
  ready: boolean;
  signIn(orgId: string, returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
  markExpired(): void;
  completeSignIn(): Promise<string>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

const here = () => `${location.pathname}${location.search}${location.hash}`;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>();
  const [expired, setExpired] = useState(false);
  const [ready, setReady] = useState(false);

  const onExpired = useCallback(() => setExpired(true), []);
  // The client library knows when the access token runs out; the dialog then takes over.
  const adopt = useCallback((org: PortalOrg, user: User) => {
    const events = managerFor(org).events;
    events.removeAccessTokenExpired(onExpired);
    events.addAccessTokenExpired(onExpired);
    setSession({ org, user, accessToken: user.access_token, isOperator: org.type === 'grid-operator' });
    setExpired(user.expired === true);
  }, [onExpired]);

  useEffect(() => {
    const org = orgById(localStorage.getItem(ORG_KEY));
    if (!org) return setReady(true);
    managerFor(org)
      .getUser()
      .then((user) => {
        if (user) adopt(org, user);
      })
      .finally(() => setReady(true));
  }, [adopt]);

  const signIn = useCallback(async (orgId: string, returnTo = here()) => {
    const org = orgById(orgId);
    if (!org) throw new Error(`unknown org ${orgId}`);
    sessionStorage.setItem(PENDING_KEY, org.id);
    await managerFor(org).signinRedirect({ state: { returnTo }, extraQueryParams: { ui_locales: i18n.language } });
  }, []);

  const completeSignIn = useCallback(async () => {
    const org = orgById(sessionStorage.getItem(PENDING_KEY));
    if (!org) throw new Error('no sign-in was started from this browser tab');
    const user = await managerFor(org).signinRedirectCallback();
    sessionStorage.removeItem(PENDING_KEY);
    localStorage.setItem(ORG_KEY, org.id);
    adopt(org, user);
    const returnTo = (user.state as { returnTo?: string } | undefined)?.returnTo;
    return returnTo && returnTo.startsWith('/') && !returnTo.startsWith('/callback') && !returnTo.startsWith('/signin') ? returnTo : '/catalog';
  }, [adopt]);

  const signOut = useCallback(async () => {
    if (!session) return;
    const manager = managerFor(session.org);
    localStorage.removeItem(ORG_KEY);
    const user = session.user;
    await manager.removeUser();
    setSession(undefined);
    await manager.signoutRedirect({ id_token_hint: user.id_token, extraQueryParams: { ui_locales: i18n.language } });
  }, [session]);

  const value = useMemo<SessionState>(
    () => ({ session, expired, ready, signIn, signOut, completeSignIn, markExpired: () => setExpired(true) }),
    [session, expired, ready, signIn, signOut, completeSignIn],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside SessionProvider');
  return state;
}

/** The signed-in session; pages under the signed-in layout only. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('not signed in');
  return session;
}
