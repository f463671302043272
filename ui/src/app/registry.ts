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

export function menuFor(role: Role): AppRoute[] {
  return appRoutes
    .filter((r) => r.menu && mayOpen(r, role) && (!r.menu.roles || r.menu.roles.includes(role)))
    .sort((a, b) => a.menu!.order - b.menu!.order);
}
