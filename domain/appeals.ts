// The hotline loop of a citizen's appeal (诉求): register → dispatch → handle → reply → return visit
// → rating. The department's work is an ordinary task (domain/task-*.ts); these rules decide the
// appeal's own stage around it, who may read the citizen's phone, and the figures it yields.
import type { Instant, RuleViolation } from './types';

export const APPEAL_CHANNELS = ['hotline', 'web', 'letter', 'other'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];

export const CONTACT_METHODS = ['phone', 'sms', 'visit', 'letter'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const VISIT_RESULTS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const;
export type VisitResult = (typeof VISIT_RESULTS)[number];

/**
 * registered (waiting for dispatch) → dispatched (a department handles it) → replied (waiting for the
 * return visit) → closed; a department's return (退单) puts it back in the dispatch queue as
 * `returned`; an unsatisfied visit sends it back to `dispatched` once (重办).
 */
export const APPEAL_STAGES = ['registered', 'dispatched', 'returned', 'replied', 'closed'] as const;
export type AppealStage = (typeof APPEAL_STAGES)[number];

/** What a citizen may learn of the stage: a returned appeal is, to them, simply waiting. */
export const CITIZEN_STATUSES = ['received', 'handling', 'replied', 'closed'] as const;
export type CitizenStatus = (typeof CITIZEN_STATUSES)[number];

/** An unsatisfied return visit reopens an appeal this many times at most. */
export const MAX_REOPENS = 1;

export interface AppealFacts {
  stage: AppealStage;
  reopenCount: number;
}

export type AppealAction = 'dispatch' | 'return' | 'reply' | 'visit';

const ALLOWED: Record<AppealAction, readonly AppealStage[]> = {
  dispatch: ['registered', 'returned'],
  return: ['dispatched'],
  reply: ['dispatched'],
  visit: ['replied'],
};

const ACTION_ZH: Record<AppealAction, string> = { dispatch: '派单', return: '退单', reply: '答复', visit: '回访' };
const STAGE_ZH: Record<AppealStage, string> = { registered: '待派单', dispatched: '办理中', returned: '已退单待重派', replied: '已答复待回访', closed: '已办结' };

/** null when the action fits the appeal's stage; otherwise a 409 saying why. */
export function checkAppealAction(facts: AppealFacts, action: AppealAction): RuleViolation | null {
  if (ALLOWED[action].includes(facts.stage)) return null;
  return {
    code: 'wrong_state',
    message: `cannot ${action} an appeal that is ${facts.stage}`,
    messageZh: `诉求当前为“${STAGE_ZH[facts.stage]}”，不能${ACTION_ZH[action]}`,
  };
}

/** What a return visit does to the task: close it (accept), or reopen it for the same department. */
export interface VisitDecision {
  decision: 'accept' | 'return';
  reopens: boolean;
  stage: AppealStage;
}

export function visitDecision(facts: AppealFacts, result: VisitResult): VisitDecision {
  const reopens = result === 'unsatisfied' && facts.reopenCount < MAX_REOPENS;
  return reopens ? { decision: 'return', reopens, stage: 'dispatched' } : { decision: 'accept', reopens, stage: 'closed' };
}

/** The stage after an action went through (the visit's is its decision's). */
export function stageAfter(action: Exclude<AppealAction, 'visit'>): AppealStage {
  return action === 'return' ? 'returned' : action === 'reply' ? 'replied' : 'dispatched';
}

export function citizenStatus(stage: AppealStage): CitizenStatus {
  switch (stage) {
    case 'registered':
    case 'returned':
      return 'received';
    case 'dispatched':
      return 'handling';
    case 'replied':
      return 'replied';
    case 'closed':
      return 'closed';
  }
}

/** Satisfied for the satisfaction rate (满意率): satisfied or basically satisfied. */
export function countsAsSatisfied(result: VisitResult | null): boolean {
  return result === 'satisfied' || result === 'basically_satisfied';
}

// ---- the citizen's phone ----

/** A mainland mobile (optionally +86) or a landline with its area code. */
const PHONE = /^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export function isPhoneNumber(value: string): boolean {
  return PHONE.test(value);
}

/** 13812341234 → 138****1234: the first three and the last four digits stay. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(Math.max(0, phone.length - 2)) + phone.slice(-2);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

export interface PhoneViewer {
  role: string;
  departmentId: string | null;
}

/** Only those who must call the citizen read the number: operators, and the departments handling it. */
export function seesCitizenPhone(viewer: PhoneViewer, handlingDepartmentIds: readonly string[]): boolean {
  if (viewer.role === 'operator') return true;
  return viewer.role === 'department' && viewer.departmentId !== null && handlingDepartmentIds.includes(viewer.departmentId);
}

export function phoneFor(viewer: PhoneViewer, phone: string, handlingDepartmentIds: readonly string[]): string {
  return seesCitizenPhone(viewer, handlingDepartmentIds) ? phone : maskPhone(phone);
}

/** The same number however it was typed: digits only, a leading 86 country code dropped from a mobile. */
export function normalPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('861') ? digits.slice(2) : digits;
}

// ---- figures ----

/** Whether the department made contact within the window from the dispatch it received (e.g. 24 h). */
export function contactedWithin(dispatchedAt: Instant, contactedAt: Instant, windowMs: number): boolean {
  return contactedAt - dispatchedAt <= windowMs;
}

/** The query code a citizen follows an appeal with: no 0/O, 1/I/L to misread on a phone. */
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const QUERY_CODE_LENGTH = 10;

export function queryCodeOf(randomBytes: Uint8Array): string {
  let code = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++) code += QUERY_CODE_ALPHABET[randomBytes[i]! % QUERY_CODE_ALPHABET.length];
  return code;
}

export function isQueryCode(value: string): boolean {
  return value.length === QUERY_CODE_LENGTH && [...value].every((c) => QUERY_CODE_ALPHABET.includes(c));
}

/** What an appeal may carry of an uploaded file: who uploaded it and whether something holds it already. */
export interface AttachmentClaim {
  uploadedBy: string;
  itemId: string | null;
  taskId: string | null;
}

/**
 * Why an appeal may not take this upload, or null. An operator's appeal takes only files that
 * operator uploaded and nothing holds yet. The public page has no upload of its own (a citizen has
 * no account to own a file), so a citizen's appeal takes none: any id could be someone else's file.
 */
export function appealAttachmentRefusal(file: AttachmentClaim | undefined, registeredBy: string | null): { en: string; zh: string } | null {
  if (registeredBy === null) return { en: 'the public page takes no attachments', zh: '公众页面不接收附件' };
  if (!file || file.uploadedBy !== registeredBy) return { en: 'no such attachment of yours', zh: '没有您上传的该附件' };
  if (file.itemId !== null || file.taskId !== null) return { en: 'the attachment already belongs to another record', zh: '该附件已属于其他记录' };
  return null;
}
