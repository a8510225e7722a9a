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
  // 发放率 (issue 14): the bureau's rates, and a project manager's for their projects.
  {
    path: 'rates',
    name: 'rates',
    component: () => import('../pages/rates/RatesPage.vue'),
    meta: { roles: PROJECTS, menu: 'menu.rates' },
  },
  // The inspector's work pages (C2): 案件, 任务, 预警, 专项行动.
  {
    path: 'cases',
    name: 'cases',
    component: () => import('../pages/cases/CaseListPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.cases' },
  },
  {
    path: 'cases/:caseId',
    name: 'case',
    component: () => import('../pages/cases/CasePage.vue'),
    props: true,
    meta: { roles: INSPECTION, section: 'cases' },
  },
  {
    path: 'tasks',
    name: 'tasks',
    component: () => import('../pages/tasks/TaskListPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.tasks' },
  },
  {
    path: 'alerts',
    name: 'alerts',
    component: () => import('../pages/alerts/AlertsPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.alerts' },
  },
  {
    path: 'campaigns',
    name: 'campaigns',
    component: () => import('../pages/campaigns/CampaignListPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.campaigns' },
  },
  // 欠薪线索 (issue 14 §5): the workers' reports from the public page.
  {
    path: 'clues',
    name: 'clues',
    component: () => import('../pages/clues/ClueListPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.clues' },
  },
  // 日常巡查 (issue 14 §4): each inspector's plan of routine visits.
  {
    path: 'patrols',
    name: 'patrols',
    component: () => import('../pages/patrols/PatrolPlanPage.vue'),
    meta: { roles: INSPECTION, menu: 'menu.patrols' },
  },
  {
    path: 'campaigns/reports/:reportId',
    name: 'campaign-report',
    component: () => import('../pages/campaigns/ReportPage.vue'),
    props: true,
    meta: { roles: INSPECTION, section: 'campaigns' },
  },
  // The project manager's pages and the bureau admin's (C3).
  {
    path: 'my-projects',
    name: 'my-projects',
    component: () => import('../pages/pm/MyProjectsPage.vue'),
    meta: { roles: ['project-manager'], menu: 'menu.myProjects' },
  },
  {
    path: 'upload/payroll',
    name: 'payroll-upload',
    component: () => import('../pages/pm/PayrollUploadPage.vue'),
    meta: { roles: ['project-manager', 'admin'], menu: 'menu.payrollUpload' },
  },
  {
    path: 'upload/roster',
    name: 'roster-upload',
    component: () => import('../pages/pm/RosterUploadPage.vue'),
    meta: { roles: ['project-manager', 'admin'], menu: 'menu.rosterUpload' },
  },
  {
    path: 'my-cases/:caseId',
    name: 'pm-case',
    component: () => import('../pages/pm/PmCasePage.vue'),
    props: true,
    meta: { roles: ['project-manager'], section: 'my-projects' },
  },
  {
    path: 'admin/users',
    name: 'admin-users',
    component: () => import('../pages/admin/UsersPage.vue'),
    meta: { roles: ['admin'], menu: 'menu.users' },
  },
  {
    path: 'admin/api-keys',
    name: 'admin-api-keys',
    component: () => import('../pages/admin/ApiKeysPage.vue'),
    meta: { roles: ['admin'], menu: 'menu.apiKeys' },
  },
  {
    path: 'admin/webhooks',
    name: 'admin-webhooks',
    component: () => import('../pages/admin/WebhooksPage.vue'),
    meta: { roles: ['admin'], menu: 'menu.webhooks' },
  },
  {
    path: 'admin/bank-feeds',
    name: 'admin-bank-feeds',
    component: () => import('../pages/admin/FeedStatusPage.vue'),
    meta: { roles: ['admin'], menu: 'menu.bankFeeds' },
  },
  {
    path: 'admin/deposit-policy',
    name: 'admin-deposit-policy',
    component: () => import('../pages/admin/DepositPolicyPage.vue'),
    meta: { roles: ['admin'], menu: 'menu.depositPolicy' },
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
  'project-manager': 'my-projects',
  bank: 'forbidden',
};
