import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { itemTemplates, type TemplateSettings } from '../schema/admin-data';
import { defaultTemplates } from './template-defaults';

export type TemplateKind = keyof typeof defaultTemplates;
export const templateKinds = Object.keys(defaultTemplates) as TemplateKind[];

export interface ItemTemplate extends TemplateSettings {
  kind: TemplateKind;
  /** null while the shipped default is in force. */
  updatedAt: Date | null;
  updatedBy: string | null;
}

function stored(kind: TemplateKind, row: typeof itemTemplates.$inferSelect | undefined): ItemTemplate {
  if (!row) return { kind, ...defaultTemplates[kind], updatedAt: null, updatedBy: null };
  return { kind, ...defaultTemplates[kind], ...row.settings, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

/** The template of a kind: the admin's saved one, else the shipped default. */
export async function getTemplate(db: Executor, kind: TemplateKind): Promise<ItemTemplate> {
  const [row] = await db.select().from(itemTemplates).where(eq(itemTemplates.kind, kind));
  return stored(kind, row);
}

export async function listTemplates(db: Executor): Promise<ItemTemplate[]> {
  const rows = new Map((await db.select().from(itemTemplates)).map((r) => [r.kind, r]));
  return templateKinds.map((kind) => stored(kind, rows.get(kind)));
}

export async function saveTemplate(db: Executor, kind: TemplateKind, settings: TemplateSettings, updatedBy: string): Promise<ItemTemplate> {
  const [row] = await db
    .insert(itemTemplates)
    .values({ kind, settings, updatedBy })
    .onConflictDoUpdate({ target: itemTemplates.kind, set: { settings, updatedBy, updatedAt: sql`now()` } })
    .returning();
  return stored(kind, row);
}
