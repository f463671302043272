/** Shapes of the audit routes (audit/history-view.ts, audit/replay.ts, audit/verify.ts, api/routes/audit-log.ts). */
import type { ItemStatus, Light, Outcome, TaskStatus } from '../../api/types';

export interface HistoryLine {
  seq: number;
  at: string;
  text: string;
  action: string;
  scope: 'item' | 'task';
  taskId: string | null;
  departmentId: string | null;
  actor: { name?: string; label: string | null; role?: string } | null;
  ref: string;
  refused?: string;
}
export interface HistoryView {
  itemId: string;
  lang: 'zh' | 'en';
  source: 'temporal' | 'archive';
  events: HistoryLine[];
}

export interface ReplayedTask {
  id: string;
  departmentId: string;
  role: 'lead' | 'assist';
  status: TaskStatus;
  light: Light;
  dueAt: string;
  outcome: Outcome;
  returnCount?: number;
  urgeCount?: number;
}
export interface Replayed {
  at: { kind: 'time' | 'event'; time: string };
  item: { title: string; code: string; status: ItemStatus; light: Light; dueAt: string; public: boolean } | null;
  tasks: ReplayedTask[];
  eventsFolded: number;
}

export interface VerifyReport {
  replay: { ok: boolean; details: { workflowId: string; runId: string; ok: boolean; error?: string }[] };
  readModel: { ok: boolean; differences: { table: string; id: string; field: string; readModel: unknown; workflow: unknown }[] };
}

export interface AuditEntry {
  id: number;
  at: string;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  path: string;
  targetId: string | null;
  status: number;
  hash: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBroken: { id: number; reason: string } | null;
}
