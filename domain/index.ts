// Public surface of the pure rules. Safe for Temporal workflow code: no Node built-ins, no I/O,
// no clock. (calendar-data.ts is deliberately NOT re-exported: it loads a package of holiday data.)
export * from './types';
export * from './durations';
export * from './calendar';
export * from './deadlines';
export * from './lights';
export * as lightReasons from './light-reasons';
export * from './outcome';
export * from './task-validation';
export * from './task-transitions';
export * from './item-rollup';
export * from './wire';
export * from './item-lifecycle';
export * from './task-signals';
export * from './text';
export * from './appeals';
export * from './item-merge';
