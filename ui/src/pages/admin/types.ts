/** Shapes of the organisation routes (api/routes/departments.ts, users.ts, templates.ts, calendar.ts). */
import type { ItemKind, JsonSchemaObject, Role } from '../../api/types';

export interface AdminDepartment {
  id: string;
  name: string;
  nameEn: string | null;
  parentId: string | null;
  leaderUserId: string | null;
}

export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  /** Whole for admins (who keep it). */
  phone: string | null;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
}

export type Deadline = { duration: string } | { workingDays: number };
export interface TemplateSettings {
  defaultDeadline: Deadline;
  warnBefore: string;
  signWithin: string;
  reportEvery: string | null;
  escalateAfter: string;
  urgeEscalateAfter: string;
  paceMarginPercent: number | null;
  completionFields: JsonSchemaObject;
}
export interface AdminTemplate extends TemplateSettings {
  kind: ItemKind;
  isDefault: boolean;
  updatedAt: string | null;
}

export interface NamedDay {
  date: string;
  name: string | null;
}
export interface CalendarOverride {
  date: string;
  kind: 'workday' | 'holiday';
  note: string | null;
}
export interface YearCalendar {
  year: number;
  builtIn: { holidays: NamedDay[]; workdays: NamedDay[] };
  overrides: CalendarOverride[];
  holidays: string[];
  workdays: string[];
}

export const ROLES: Role[] = ['admin', 'supervisor', 'leader', 'department', 'auditor', 'operator'];
