// GET /api/items/:id/dossier.pdf: the electronic dossier of one item, with whatever appendix the
// audit module supplies (dossier-appendix.ts).
import { loadDossierData } from '../../../jobs/exports/dossier-data';
import { renderDossierPdf, type AppendixSection } from '../../../jobs/exports/dossier-pdf';
import type { ApiDeps } from '../../deps';
import { AppError } from '../../errors';
import { dossierAppendix } from './dossier-appendix';

export async function buildDossier(
  deps: ApiDeps,
  itemId: string,
  extra: AppendixSection[] = [],
): Promise<{ bytes: Buffer; fileName: string }> {
  const data = await loadDossierData(deps.database.db, itemId);
  if (!data) throw new AppError('not_found', 'No such item.');
  const appendix = [...(await dossierAppendix(deps, itemId)), ...extra];
  const bytes = await renderDossierPdf(data, { appendix });
  return { bytes, fileName: `dossier-${data.item.code}.pdf` };
}
