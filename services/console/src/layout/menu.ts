import type { RouteRecordRaw } from 'vue-router';
import type { Role } from '../api/types.ts';
import { pages } from '../router/routes.ts';

export type MenuItem = { name: string; label: string };

/** The side menu of a role: the pages that exist, carry `meta.menu` and admit the role. */
export function menuFor(role: Role, routes: RouteRecordRaw[] = pages): MenuItem[] {
  return routes
    .filter(
      (r) => r.meta?.menu && typeof r.name === 'string' && (!r.meta.roles || r.meta.roles.includes(role)),
    )
    .map((r) => ({ name: r.name as string, label: r.meta!.menu! }));
}
