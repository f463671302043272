import type { ApiDeps } from '../deps';

/**
 * Called after the admin changed a year's working-day overrides. The engine signals the open item
 * workflows whose working-day deadlines fall in that year so they recompute them; it returns how
 * many workflows were told. Until the engine wires that signal, nothing is open to tell: 0.
 */
export async function onCalendarChanged(_deps: ApiDeps, _year: number): Promise<number> {
  return 0;
}
