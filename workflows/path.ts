// Where the workflow code starts, for the worker and the bundler (Node only: never imported by workflow code).
import { fileURLToPath } from 'node:url';

export const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));
