// The entry of a dossier-rendering worker thread (dossier-render-pool.ts). The platform runs its
// TypeScript through tsx, both under `tsx api/main.ts` and under vitest; a new thread starts without
// either's loader, so this plain module loads the renderer through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./dossier-render-thread.ts', import.meta.url);
