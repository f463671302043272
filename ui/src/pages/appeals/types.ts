/** Appeals as the API answers them (api/schemas/appeals.ts; schema.d.ts is the exact contract). */
export type AppealStage = 'registered' | 'dispatched' | 'returned' | 'replied' | 'closed';
export type VisitResult = 'satisfied' | 'basically_satisfied' | 'unsatisfied';
export type ContactMethod = 'phone' | 'sms' | 'visit' | 'letter';
export const CHANNELS = ['hotline', 'web', 'letter', 'other'] as const;
export const CONTACT_METHODS: ContactMethod[] = ['phone', 'sms', 'visit', 'letter'];
export const VISIT_RESULTS: VisitResult[] = ['satisfied', 'basically_satisfied', 'unsatisfied'];

export interface Appeal {
  id: string;
  code: string;
  queryCode: string;
  channel: (typeof CHANNELS)[number];
  title: string;
  text: string;
  citizenName: string | null;
  phone: string;
  place: string | null;
  status: AppealStage;
  createdAt: string;
  departmentId: string | null;
  returnCount: number;
  reopenCount: number;
  reply: { text: string; contactMethod: ContactMethod | null; contactedAt: string | null; repliedAt: string } | null;
  visitDueAt: string | null;
  matterId: string | null;
}
