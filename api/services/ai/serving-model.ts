import { LinearModel } from '../../../assist/classifier';
import type { Database } from '../../../db/client';
import { findModelRun, servingVersion } from '../../../db/queries/ai';

export interface ServedModel {
  version: number;
  model: LinearModel;
  /** Auto-dispatch threshold of this model, or null when its history could not promise the precision. */
  threshold: number | null;
  coverage: number | null;
}

/** One loaded model per database handle: reloaded only when a newer version turns ready. */
const loaded = new WeakMap<Database, ServedModel>();

/** Why no model serves: none is ready, or the newest ready one was stored in a format this code no longer reads (retrain). */
export type NotServed = { reason: 'no_model' } | { reason: 'model_outdated'; version: number };

/**
 * The newest ready model. One indexed look-up per call; the counts are parsed again only when the
 * version moved, so a retraining never interrupts serving: the old model answers until the new is ready.
 */
export async function servingModel(db: Database): Promise<ServedModel | NotServed> {
  const version = await servingVersion(db);
  if (version === null) return { reason: 'no_model' };
  const current = loaded.get(db);
  if (current?.version === version) return current;
  const run = await findModelRun(db, version);
  if (!run?.counts || run.temperature === null) return { reason: 'no_model' };
  // A model stored in an earlier format (naive Bayes counts, a single linear model) is not served: the next retraining replaces it.
  const model = LinearModel.load({ model: run.counts, temperature: run.temperature });
  if (!model) return { reason: 'model_outdated', version };
  const served = { version, model, threshold: run.threshold, coverage: run.coverage };
  loaded.set(db, served);
  return served;
}
