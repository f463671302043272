/**
 * The shapes the pages read, per ../../../shared/API.md and the routes' schemas. `schema.d.ts` (generated
 * from /docs/json by `npm run api:types`) is the exact contract; these names are what the pages use,
 * including fields of routes still being added (me/work, events, instructions, next light instants).
 */
export type Role = 'admin' | 'supervisor' | 'leader' | 'department' | 'auditor' | 'operator';
export type Light = 'green' | 'yellow' | 'red';
export type ItemKind = 'meeting_resolution' | 'leadership_instruction' | 'approval_document' | 'routine' | 'verification' | 'appeal';
export type ItemStatus = 'launched' | 'in_progress' | 'completed' | 'archived' | 'cancelled';
export type TaskStatus = 'assigned' | 'signed' | 'in_progress' | 'submitted' | 'accepted' | 'transferred' | 'cancelled';
export type Outcome = 'on_time' | 'overdue' | 'postponed' | null;

export const ITEM_KINDS: ItemKind[] = ['meeting_resolution', 'leadership_instruction', 'approval_document', 'routine', 'verification'];
export const ITEM_STATUSES: ItemStatus[] = ['launched', 'in_progress', 'completed', 'archived', 'cancelled'];
export const TASK_STATUSES: TaskStatus[] = ['assigned', 'signed', 'in_progress', 'submitted', 'accepted', 'transferred', 'cancelled'];
export const LIGHTS: Light[] = ['green', 'yellow', 'red'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  mustChangePassword: boolean;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Department {
  id: string;
  name: string;
  nameEn?: string | null;
  parentId: string | null;
  leader?: string | null;
}

export interface Bilingual {
  code: string | null;
  en: string;
  zh: string | null;
}

export interface Task {
  id: string;
  itemId: string;
  departmentId: string;
  role: 'lead' | 'assist';
  status: TaskStatus;
  light: Light;
  lightReason?: Bilingual | null;
  signDueAt: string;
  warnAt: string;
  dueAt: string;
  originalDueAt: string;
  outcome: Outcome;
  redEver: boolean;
  lastReportAt: string | null;
  /** Instants at which the light turns yellow / red unless something happens (null: it will not). */
  nextYellowAt?: string | null;
  nextRedAt?: string | null;
  percent?: number | null;
  postponed?: boolean;
  signedAt?: string | null;
  submittedAt?: string | null;
  acceptedAt?: string | null;
  pendingExtension?: { reason: string; newDueAt: string; requestedAt: string } | null;
  pendingTransfer?: { reason: string; suggestedDepartmentId: string | null; requestedAt: string } | null;
  transferredTo?: string | null;
  urgeCount?: number;
  returnCount?: number;
  assignee?: { userId: string; name: string } | null;
  assigneeId?: string | null;
  version?: number;
}

export interface ItemSummary {
  id: string;
  code: string;
  kind: ItemKind;
  title: string;
  status: ItemStatus;
  light: Light;
  issuedBy: string;
  dueAt: string;
  public: boolean;
  createdAt: string;
  completedAt: string | null;
  departmentIds: string[];
}

export interface Actor {
  userId: string;
  name: string;
  role: string;
  departmentId?: string | null;
}

export interface TimelineEntry {
  id: string;
  taskId: string | null;
  type: string;
  at: string;
  actor: Actor;
  reason: Bilingual | null;
  data: unknown;
}

export interface Instruction {
  id: string;
  at: string;
  actor: Actor;
  text: string;
}

/** A task of an item as every reader of the item sees it: which department, its part, status and light. */
export interface SharedTask {
  taskId: string;
  departmentId: string;
  role: 'lead' | 'assist';
  status: TaskStatus;
  light: Light;
}

export interface ItemDetail extends Omit<ItemSummary, 'departmentIds'> {
  description: string;
  source: string;
  workflowId: string;
  cancelledAt: string | null;
  redEver: boolean;
  /** The tasks the reader may read in full (department staff: their own). */
  tasks: Task[];
  /** Every department sharing the item. */
  departments?: SharedTask[];
  timeline: TimelineEntry[];
  instructions?: Instruction[];
  /** The primary this item is merged into now (a duplicate follows it). */
  mergedInto?: { id: string; code: string; title: string; mergedAt: string } | null;
  /** The duplicates merged into this item, with their own text. */
  duplicates?: Array<{ id: string; code: string; title: string; description: string; mergedAt: string }>;
}

export interface HistoryEntry {
  eventId?: string | number;
  at: string;
  type?: string;
  text?: string;
  en?: string;
  zh?: string | null;
  actor?: Actor | null;
  [key: string]: unknown;
}

/** A JSON Schema object form (the template's completion fields). */
export interface JsonSchemaObject {
  type?: string;
  required?: string[];
  properties?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface Template {
  kind: ItemKind;
  completionFields: JsonSchemaObject;
  defaultDeadline: { duration: string } | { workingDays: number };
  warnBefore: string;
  signWithin: string;
  reportEvery: string | null;
  escalateAfter?: string | null;
  urgeEscalateAfter?: string | null;
  paceMarginPercent?: number | null;
}

export interface InboxItem {
  id: string;
  event: string;
  urgent: boolean;
  itemId: string;
  taskId: string | null;
  subject: string;
  body: string;
  occurredAt: string;
  readAt: string | null;
}

export interface InboxPage extends Page<InboxItem> {
  unread: number;
}

/** GET /api/me/work: what needs me now. */
export interface WorkTask {
  taskId: string;
  itemId: string;
  itemCode: string;
  itemTitle: string;
  departmentId: string;
  departmentName: string;
  status: TaskStatus;
  light: Light;
  dueAt: string;
  countdownTo: string;
}

export interface WorkItem {
  itemId: string;
  code: string;
  title: string;
  light: Light;
  dueAt: string;
}

export interface MyWork {
  toSign: WorkTask[];
  reportsDue: WorkTask[];
  reviewsWaiting: WorkTask[];
  extensionRequests: WorkTask[];
  transferRequests: WorkTask[];
  redItems: WorkItem[];
}

export interface Leader {
  id: string;
  displayName: string;
}

/** GET/PUT /api/me/notification-preferences. Times of day are "HH:MM" in `timeZone`. */
export interface NotificationPreferences {
  language: 'zh' | 'en';
  email: string | null;
  emailEnabled: boolean;
  /** SMS to the phone an admin keeps on the user; needs `hasPhone`. */
  smsEnabled: boolean;
  hasPhone: boolean;
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  digestTime: string | null;
}

export interface DepartmentWebhook {
  id: string;
  kind: 'wecom' | 'dingtalk' | 'generic';
  url: string;
  hasSecret: boolean;
  enabled: boolean;
  language: 'zh' | 'en';
}

/** GET/PUT /api/departments/:id/notification-channels (admin). */
export interface DepartmentChannels {
  departmentId: string;
  emailEnabled: boolean;
  smsEnabled: boolean;
  webhooksEnabled: boolean;
  timeZone: string;
  quietStart: string | null;
  quietEnd: string | null;
  digestTime: string | null;
  webhooks: DepartmentWebhook[];
}

export type AccountabilityKind = 'interview' | 'circulated_criticism' | 'written_explanation' | 'other';
export const ACCOUNTABILITY_KINDS: AccountabilityKind[] = ['interview', 'circulated_criticism', 'written_explanation', 'other'];

/** An accountability action (问责), `GET /api/items/:id/accountability`. */
export interface AccountabilityAction {
  id: string;
  itemId: string;
  taskId: string;
  kind: AccountabilityKind;
  personName: string;
  departmentId: string;
  departmentName: string;
  reason: string;
  decision: string;
  decidedAt: string;
  status: 'active' | 'withdrawn';
  withdrawnAt: string | null;
  withdrawReason: string | null;
  trail: { type: 'recorded' | 'revised' | 'withdrawn'; at: string; actor: Actor; note: string | null; text: { zh: string; en: string } }[];
}

/** An uploaded file, `POST /api/attachments`, `GET /api/items/:id/attachments`. */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  itemId: string | null;
  taskId: string | null;
  uploadedAt?: string;
}
