/** Every route of every area: each `src/routes/*.tsx` exports `routes` (see route-types.ts). */
import type { Role } from '../api/types';
import type { AppRoute } from './route-types';

const modules = import.meta.glob<{ routes: AppRoute[] }>('../routes/*.tsx', { eager: true });

export const appRoutes: AppRoute[] = Object.keys(modules)
  .sort()
  .flatMap((file) => modules[file]!.routes);

export function mayOpen(route: AppRoute, role: Role | null): boolean {
  const access = route.access ?? 'user';
  if (access === 'public') return true;
  if (!role) return false;
  return access === 'user' || access.includes(role);
}

/** A role's landing page: `/` unless a route claims the role (the operator lands on the hotline desk). */
export function homeOf(role: Role): string {
  return appRoutes.find((r) => r.homeFor?.includes(role))?.path ?? '/';
}

/** The routes a role's session serves: `/` is left out where another page is the role's home. */
export function routesFor(role: Role): AppRoute[] {
  const home = homeOf(role);
  return home === '/' ? appRoutes : appRoutes.filter((r) => r.path !== '/');
}

export function menuFor(role: Role): AppRoute[] {
  return routesFor(role)
    .filter((r) => r.menu && mayOpen(r, role) && (!r.menu.roles || r.menu.roles.includes(role)))
    .sort((a, b) => a.menu!.order - b.menu!.order);
}
