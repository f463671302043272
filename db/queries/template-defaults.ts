import type { TemplateSettings } from '../schema/admin-data';

/**
 * A completion report's fields every kind starts with; admins extend or replace them. What was done
 * is the report's `summary`: `result` says the same, so it is not asked again (readOnly: a form
 * leaves it out) and the API fills it from the summary (api/services/tasks/completion-form.ts).
 */
const baseCompletionFields = {
  type: 'object',
  required: [] as string[],
  properties: {
    result: {
      type: 'string',
      minLength: 1,
      maxLength: 20000,
      readOnly: true,
      title: '落实情况 / What was done',
      description: '即办结摘要，无需重复填写 / The summary; not asked again',
    },
    evidence: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 20, title: '佐证材料 / Evidence (references)' },
  },
  additionalProperties: false,
};

/**
 * The shipped defaults per item kind, used until an admin saves a template of that kind (a stored
 * template replaces its default whole). Short, exact durations: working-day deadlines are computed
 * on the platform calendar.
 */
export const defaultTemplates: Record<'meeting_resolution' | 'leadership_instruction' | 'approval_document' | 'routine' | 'verification' | 'appeal', TemplateSettings> = {
  meeting_resolution: {
    defaultDeadline: { workingDays: 20 },
    warnBefore: 'P3D',
    signWithin: 'P1D',
    reportEvery: 'P7D',
    escalateAfter: 'P2D',
    urgeEscalateAfter: 'P3D',
    paceMarginPercent: null,
    completionFields: baseCompletionFields,
  },
  leadership_instruction: {
    defaultDeadline: { workingDays: 10 },
    warnBefore: 'P2D',
    signWithin: 'P1D',
    reportEvery: 'P3D',
    escalateAfter: 'P1D',
    urgeEscalateAfter: 'P2D',
    paceMarginPercent: null,
    completionFields: baseCompletionFields,
  },
  approval_document: {
    defaultDeadline: { workingDays: 15 },
    warnBefore: 'P3D',
    signWithin: 'P1D',
    reportEvery: 'P7D',
    escalateAfter: 'P2D',
    urgeEscalateAfter: 'P3D',
    paceMarginPercent: null,
    completionFields: {
      ...baseCompletionFields,
      required: ['documentNumber'],
      properties: { ...baseCompletionFields.properties, documentNumber: { type: 'string', minLength: 1, maxLength: 100, title: '回复文号 / Reply document number' } },
    },
  },
  routine: {
    defaultDeadline: { duration: 'P90D' },
    warnBefore: 'P7D',
    signWithin: 'P2D',
    reportEvery: 'P30D',
    escalateAfter: 'P3D',
    urgeEscalateAfter: 'P5D',
    paceMarginPercent: 20,
    completionFields: baseCompletionFields,
  },
  // 预警核查: a monitoring system's signal checked on the spot; the finding goes back to the source.
  verification: {
    defaultDeadline: { workingDays: 5 },
    warnBefore: 'P1D',
    signWithin: 'PT4H',
    reportEvery: null,
    escalateAfter: 'P1D',
    urgeEscalateAfter: 'P1D',
    paceMarginPercent: null,
    completionFields: {
      ...baseCompletionFields,
      required: ['finding'],
      properties: {
        ...baseCompletionFields.properties,
        finding: { type: 'string', enum: ['confirmed', 'not_confirmed', 'rectified'], title: '核查结论 / Finding' },
      },
    },
  },
  // A citizen's appeal: the clock starts at dispatch; the department must sign and make contact
  // within 24 hours (signWithin), the reply is its completion report, the return visit its review.
  appeal: {
    defaultDeadline: { workingDays: 15 },
    warnBefore: 'P2D',
    signWithin: 'PT24H',
    reportEvery: null,
    escalateAfter: 'PT24H',
    urgeEscalateAfter: 'P1D',
    paceMarginPercent: null,
    returnVisitWithinWorkingDays: 3,
    completionFields: {
      ...baseCompletionFields,
      required: ['contactMethod', 'contactedAt'],
      properties: {
        ...baseCompletionFields.properties,
        contactMethod: { type: 'string', enum: ['phone', 'sms', 'visit', 'letter'], title: '联系方式 / How the citizen was contacted' },
        contactedAt: { type: 'string', format: 'date-time', title: '联系时间 / When' },
      },
    },
  },
};
