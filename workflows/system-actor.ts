/** The actor of everything the workflows do on their own: timers, escalations, roll-ups. */
export { SYSTEM_ACTOR } from '../domain';
