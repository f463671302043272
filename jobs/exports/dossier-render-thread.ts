/** Inside a worker thread: renders the dossiers the pool sends and answers with their bytes. */
import { parentPort } from 'node:worker_threads';
import { renderDossierPdf } from './dossier-pdf';
import type { RenderRequest, RenderResponse } from './dossier-render-pool';

const port = parentPort!;

port.on('message', (request: RenderRequest) => {
  renderDossierPdf(request.data, request.options).then(
    (bytes) => {
      // Copy into a buffer of its own so its memory can be moved, not copied, to the API's thread.
      const owned = new Uint8Array(bytes);
      port.postMessage({ id: request.id, bytes: owned } satisfies RenderResponse, [owned.buffer]);
    },
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderResponse),
  );
});
