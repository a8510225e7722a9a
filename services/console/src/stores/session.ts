import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, api, setCsrfToken } from '../api/client.ts';
import type { Session, SessionUser } from '../api/types.ts';

/**
 * Who is logged in: `GET /v1/session` answers the user and a fresh CSRF token (the cookie itself is
 * httpOnly, never seen here). `loaded` tells the router it asked once already.
 */
export const useSession = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);
  const loaded = ref(false);

  function apply(s: Session | null) {
    user.value = s?.user ?? null;
    setCsrfToken(s?.csrfToken);
  }

  async function load(): Promise<SessionUser | null> {
    try {
      apply(await api.get<Session>('/v1/session', undefined, { quiet: true }));
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      apply(null);
    }
    loaded.value = true;
    return user.value;
  }

  async function login(login: string, password: string): Promise<SessionUser> {
    const s = await api.post<Session>('/v1/session', { login, password }, { quiet: true });
    apply(s);
    loaded.value = true;
    return s.user;
  }

  async function logout(): Promise<void> {
    try {
      await api.delete('/v1/session', { quiet: true });
    } finally {
      apply(null);
    }
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await api.post('/v1/session/password', { currentPassword, newPassword }, { quiet: true });
    // The session goes on; read it again (mustChangePassword is now false, a fresh token).
    await load();
  }

  const role = computed(() => user.value?.role ?? null);
  /** The districts an inspector sees ('all' for the city's lead inspector). */
  const districts = computed(() => user.value?.scope.districts ?? 'all');

  return { user, loaded, role, districts, load, login, logout, changePassword };
});
