// Every recorded run of an item: its item workflow and all its task workflows (children, including
// tasks opened by transfers), each followed through continue-as-new. From Temporal while it still
// has them, else from the Postgres archive.
import type { Client } from '@temporalio/client';
import { isGrpcServiceError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { itemWorkflowId } from '../workflows/ids';

export type History = temporal.api.history.v1.IHistory;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export const EventType = proto.temporal.api.enums.v1.EventType;

export type WorkflowKind = 'item' | 'task';

export interface RecordedRun {
  workflowId: string;
  runId: string;
  kind: WorkflowKind;
  /** 0 = the workflow's first run; continue-as-new adds one. */
  runIndex: number;
  history: History;
}

export interface ItemHistories {
  itemId: string;
  source: 'temporal' | 'archive';
  /** Item runs first, then each task's runs; each workflow's runs in order. */
  runs: RecordedRun[];
}

export class ItemNotFoundError extends Error {
  override name = 'ItemNotFoundError';
  constructor(readonly itemId: string) {
    super(`no item ${itemId} in Temporal or in the archive`);
  }
}

export function eventsOf(history: History): HistoryEvent[] {
  return history.events ?? [];
}

function startedAttributes(history: History) {
  const first = eventsOf(history)[0];
  return first?.workflowExecutionStartedEventAttributes ?? null;
}

/** Task workflow ids the item started as children, in order, across the given runs. */
export function childWorkflowIds(runs: readonly RecordedRun[]): string[] {
  const ids: string[] = [];
  for (const run of runs) {
    for (const e of eventsOf(run.history)) {
      const id = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (id && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

/**
 * Every run of one workflow, oldest first: fetch the latest run, then walk back through
 * `continuedExecutionRunId` (deterministic, unlike visibility, which lags).
 */
export async function fetchWorkflowRuns(client: Client, workflowId: string, kind: WorkflowKind): Promise<RecordedRun[]> {
  const chain: Array<{ runId: string; history: History }> = [];
  let history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (;;) {
    const started = startedAttributes(history);
    const runId = started?.originalExecutionRunId ?? '';
    chain.unshift({ runId, history });
    const previous = started?.continuedExecutionRunId;
    if (!previous) break;
    history = await client.workflow.getHandle(workflowId, previous).fetchHistory();
  }
  return chain.map((c, runIndex) => ({ workflowId, runId: c.runId, kind, runIndex, history: c.history }));
}

const GRPC_NOT_FOUND = 5;

/** Temporal does not (or no longer) know the workflow. */
export function isNotFound(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError || (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND);
}

/** The item's and its tasks' runs from Temporal; null when Temporal no longer knows the item. */
export async function fetchItemHistoriesFromTemporal(client: Client, itemId: string): Promise<ItemHistories | null> {
  let itemRuns: RecordedRun[];
  try {
    itemRuns = await fetchWorkflowRuns(client, itemWorkflowId(itemId), 'item');
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  let taskRuns: RecordedRun[][];
  try {
    taskRuns = await Promise.all(childWorkflowIds(itemRuns).map((id) => fetchWorkflowRuns(client, id, 'task')));
  } catch (error) {
    // Part of the item is gone from Temporal already: only the archive has all of it.
    if (isNotFound(error)) return null;
    throw error;
  }
  return { itemId, source: 'temporal', runs: [...itemRuns, ...taskRuns.flat()] };
}
