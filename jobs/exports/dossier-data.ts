// Everything an electronic dossier prints about one item, read from the read model in one go.
import { listItemAccountability, type ItemAccountability } from '../../db/queries/accountability';
import { departmentNameMap, userNames } from '../../db/queries/exports';
import { findItem, listItemEvents, listItemTasks } from '../../db/queries/items';
import type { Executor } from '../../db/client';
import type { ItemEventRow, ItemRow, TaskRow } from '../../db/schema/items';

export interface DossierData {
  item: ItemRow;
  tasks: TaskRow[];
  events: ItemEventRow[];
  issuerName: string | null;
  departmentNames: Map<string, string>;
  /** Accountability actions (问责) on the item's tasks, withdrawn ones included, with their trails. */
  accountability: ItemAccountability[];
}

/** null when there is no such item. */
export async function loadDossierData(db: Executor, itemId: string): Promise<DossierData | null> {
  const item = await findItem(db, itemId);
  if (!item) return null;
  const [tasks, events, accountability] = await Promise.all([listItemTasks(db, itemId), listItemEvents(db, itemId), listItemAccountability(db, itemId)]);
  const departmentIds = [...tasks.map((t) => t.departmentId), ...tasks.flatMap((t) => (t.transferredTo ? [t.transferredTo] : []))];
  const [issuers, departmentNames] = await Promise.all([userNames(db, [item.issuedBy]), departmentNameMap(db, departmentIds)]);
  return { item, tasks, events, issuerName: issuers.get(item.issuedBy) ?? null, departmentNames, accountability };
}
