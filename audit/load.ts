// Where an item's histories come from: Temporal while it has them, the archive after.
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/client';
import { loadArchivedHistories } from '../archive/store';
import { fetchItemHistoriesFromTemporal, ItemNotFoundError, type ItemHistories } from '../archive/histories';

export interface AuditSources {
  client: Client;
  db: Executor;
}

export async function loadItemHistories({ client, db }: AuditSources, itemId: string): Promise<ItemHistories> {
  const live = await fetchItemHistoriesFromTemporal(client, itemId);
  if (live) return live;
  const archived = await loadArchivedHistories(db, itemId);
  if (archived) return archived;
  throw new ItemNotFoundError(itemId);
}
