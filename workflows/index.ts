// Every workflow the worker registers. Only @temporalio/workflow, domain/ and `import type` here.
export { probe } from './probe';
export { item } from './item';
export { task } from './task';
