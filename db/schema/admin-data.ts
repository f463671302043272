import { date, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Admin-editable defaults per item kind; read by the API when launching and completing. */
export interface TemplateSettings {
  /** ISO-8601 duration (`P30D`) or a working-day count. */
  defaultDeadline: { duration: string } | { workingDays: number };
  warnBefore: string;
  signWithin: string;
  /** Progress-report cadence; null = no periodic report. */
  reportEvery: string | null;
  /** How long a sign-in/report yellow lasts before it turns red. */
  escalateAfter: string;
  /** How long after an urge without reaction it escalates. */
  urgeEscalateAfter: string;
  /** 序时进度 margin in percentage points; null = pace not checked. */
  paceMarginPercent: number | null;
  /** JSON Schema of the completion report's form fields. */
  completionFields: Record<string, unknown>;
  /** Appeals: the operator's return visit (回访) is due this many working days after the reply. */
  returnVisitWithinWorkingDays?: number;
}

export const itemTemplates = pgTable('item_templates', {
  kind: text('kind').primaryKey(),
  settings: jsonb('settings').$type<TemplateSettings>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

/** An admin's correction on top of the built-in Chinese public-holiday calendar. */
export const calendarOverrides = pgTable('calendar_overrides', {
  date: date('date', { mode: 'string' }).primaryKey(),
  kind: text('kind', { enum: ['workday', 'holiday'] }).notNull(),
  note: text('note'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});
