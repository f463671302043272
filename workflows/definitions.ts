// Everything the API needs to start and talk to the supervision workflows, in one import.
export * from './ids';
export * from './task-definitions';
export * from './item-definitions';
