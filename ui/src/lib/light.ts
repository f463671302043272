/**
 * The light shown on screen never goes stale: the task wire carries the instants at which the light
 * turns yellow and red unless something happens, and the screen flips it when they pass (the
 * server's change follows through the live stream). It only ever escalates.
 */
import type { Light, TaskStatus } from '../api/types';

const RANK: Record<Light, number> = { green: 0, yellow: 1, red: 2 };
const CLOSED: TaskStatus[] = ['accepted', 'cancelled', 'transferred'];

export interface LightClock {
  light: Light;
  status?: TaskStatus;
  nextYellowAt?: string | null;
  nextRedAt?: string | null;
}

export function effectiveLight(task: LightClock, now: number): Light {
  if (task.status && CLOSED.includes(task.status)) return task.light;
  let light = task.light;
  const bump = (at: string | null | undefined, to: Light) => {
    if (at && Date.parse(at) <= now && RANK[to] > RANK[light]) light = to;
  };
  bump(task.nextYellowAt, 'yellow');
  bump(task.nextRedAt, 'red');
  return light;
}

/** The worst of several lights (an item's light from its tasks' lights on screen). */
export function worstLight(lights: Light[], fallback: Light = 'green'): Light {
  return lights.reduce<Light>((worst, l) => (RANK[l] > RANK[worst] ? l : worst), fallback);
}

/** The next instant at which a task's light would flip on screen (for the countdown's target). */
export function nextFlipAt(task: LightClock, now: number): string | null {
  const candidates = [task.nextYellowAt, task.nextRedAt].filter((at): at is string => !!at && Date.parse(at) > now);
  return candidates.sort()[0] ?? null;
}
