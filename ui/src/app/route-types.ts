import type { ReactNode } from 'react';
import type { Role } from '../api/types';

/**
 * One page of the app. Each file `src/routes/<area>.tsx` exports `routes: AppRoute[]`; the app
 * collects every such file (app/registry.ts), so a new area is a new file and nothing else.
 */
export interface AppRoute {
  /** react-router path, e.g. `/items/:id`. */
  path: string;
  /** Usually a `lazy()` page, so each page is its own chunk. */
  element: ReactNode;
  /**
   * Who may open it: `'public'` (no sign-in; shown in the public layout), `'user'` (anyone signed
   * in, the default) or a list of roles (others get "forbidden").
   */
  access?: 'public' | 'user' | Role[];
  /** An entry in the side menu, shown to `roles` (default: whoever may open the page). */
  menu?: {
    key: string;
    icon: ReactNode;
    /** i18n key, `namespace:key`, e.g. `shell:menu.items`. */
    labelKey: string;
    /** Smaller first; the home page is 0, items 10, launch 20, leader pages 30–49, admin 50–69, inbox 90. */
    order: number;
    roles?: Role[];
  };
  /**
   * The landing page for these roles (path `/` redirects there); the first route naming a role wins.
   */
  homeFor?: Role[];
}
