import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '../api/types.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean;
    /** Who may open it; absent: anyone logged in. */
    roles?: Role[];
    /** Shown in the side menu under this i18n key (menu.*), for the roles above, in route order. */
    menu?: string;
    /** The menu item lit while this page shows (a project page lights 项目). */
    section?: string;
  }
}

const INSPECTION: Role[] = ['inspector', 'admin'];
const PROJECTS: Role[] = ['inspector', 'admin', 'project-manager'];

/**
 * Every page of the console, one lazily loaded chunk each. A page added here with `meta.menu` shows
 * in the side menu of the roles it names: the menu lists only pages that exist.
 */
export const pages: RouteRecordRaw[] = [
  {
    path: 'cockpit',
    name: 'cockpit',
    component: () => import('../pages/cockpit/CockpitPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.cockpit' },
  },
  {
    path: 'projects',
    name: 'projects',
    component: () => import('../pages/projects/ProjectListPage.vue'),
    meta: { roles: PROJECTS, menu: 'menu.projects' },
  },
  {
    path: 'projects/:projectId',
    name: 'project',
    component: () => import('../pages/projects/ProjectPage.vue'),
    props: true,
    meta: { roles: PROJECTS, section: 'projects' },
  },
];

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../pages/login/LoginPage.vue'),
    meta: { public: true },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('../pages/login/ChangePasswordPage.vue'),
  },
  {
    path: '/',
    component: () => import('../layout/AppLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => ({ name: 'home-by-role' }) },
      { path: 'home', name: 'home-by-role', component: () => import('../pages/errors/NotFoundPage.vue') },
      ...pages,
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('../pages/errors/ForbiddenPage.vue'),
      },
      {
        path: ':rest(.*)*',
        name: 'not-found',
        component: () => import('../pages/errors/NotFoundPage.vue'),
      },
    ],
  },
];

/** Where each role lands after logging in. */
export const HOME: Record<Role, string> = {
  inspector: 'cockpit',
  admin: 'cockpit',
  'project-manager': 'projects',
  bank: 'forbidden',
};
