import { createRouter, createWebHistory } from 'vue-router';
import { onAuthProblems } from '../api/client.ts';
import { useSession } from '../stores/session.ts';
import { HOME, routes } from './routes.ts';

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.loaded) await session.load();
  const user = session.user;
  if (to.meta.public) return user && to.name === 'login' ? { name: HOME[user.role] } : true;
  if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (user.mustChangePassword && to.name !== 'password') return { name: 'password' };
  if (to.name === 'home-by-role') return { name: HOME[user.role] };
  if (to.meta.roles && !to.meta.roles.includes(user.role))
    return { name: 'forbidden', query: { from: to.fullPath } };
  return true;
});

// An API answer of 401 (the session ended) sends to the login page; 403 shows 无权访问 in place
// of the page (a project of another district opened by URL: nothing of it is shown).
onAuthProblems({
  unauthorized: () => {
    const session = useSession();
    session.user = null;
    const here = router.currentRoute.value;
    if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath } });
  },
  forbidden: (problem) => {
    if (problem.type.endsWith(':password-change-required')) {
      void router.replace({ name: 'password' });
      return;
    }
    const here = router.currentRoute.value;
    if (here.name !== 'forbidden') void router.replace({ name: 'forbidden', query: { from: here.fullPath } });
  },
});
