// Extra sections at the end of an item's dossier. The raw history appendix (the item's and its
// tasks' Temporal histories) belongs to the audit module: it returns its sections from here.
import type { AppendixSection } from '../../../jobs/exports/dossier-pdf';
import type { ApiDeps } from '../../deps';

export type DossierAppendixProvider = (deps: ApiDeps, itemId: string) => Promise<AppendixSection[]>;

/** The appendix of one dossier; none yet (the audit module's raw history goes here). */
export const dossierAppendixProviders: DossierAppendixProvider[] = [];

export async function dossierAppendix(deps: ApiDeps, itemId: string): Promise<AppendixSection[]> {
  const sections = await Promise.all(dossierAppendixProviders.map((provide) => provide(deps, itemId)));
  return sections.flat();
}
