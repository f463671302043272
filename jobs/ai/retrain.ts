import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { trainModel } from '../../assist/train';
import { documentTokens } from '../../assist/tokenize';
import type { Example } from '../../assist/classifier';
import type { Database } from '../../db/client';
import { findModelRun, finishModelRun, trainingRows } from '../../db/queries/ai';

/** Segmenting is most of a run's time; the rest is counting. */
const SEGMENTING_SHARE = 80;

/**
 * Trains the model of run `version` on the deployment's history and stores it. Serving goes on from
 * the previous ready model until this run turns `ready`. Segmentation yields to the event loop every
 * batch, so the worker's other duties (Temporal, other queues) keep their turn.
 */
export async function retrain(db: Database, version: number, progress: (percent: number) => Promise<void>): Promise<void> {
  const run = await findModelRun(db, version);
  if (!run || run.status !== 'training') return;
  const rows = await trainingRows(db);
  const examples: Example[] = [];
  for (const [i, row] of rows.entries()) {
    examples.push({ tokens: documentTokens(row.title, row.text), label: row.departmentId });
    if (i % 200 === 199) {
      await yieldToLoop();
      await progress(Math.round(((i + 1) / rows.length) * SEGMENTING_SHARE));
    }
  }
  await progress(SEGMENTING_SHARE);
  const outcome = trainModel(examples, run.targetPrecision);
  if (!outcome.ok) {
    await finishModelRun(db, version, {
      status: 'too_little_history',
      examples: outcome.examples,
      message: `too little history: ${outcome.examples} texts over ${outcome.labels} departments`,
    });
    return;
  }
  const { model } = outcome;
  await finishModelRun(db, version, {
    status: 'ready',
    examples: model.examples,
    temperature: model.temperature,
    threshold: model.threshold?.threshold ?? null,
    coverage: model.threshold?.coverage ?? null,
    figures: model.heldOut,
    counts: model.model,
  });
}
