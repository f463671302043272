/** Who is logged in, and the organisation's departments (for names and pickers). */
import { createContext, useContext } from 'react';
import type { Department, User } from './api';
import type { Lang } from './i18n';

export interface SessionValue {
  user: User;
  departments: Department[];
  unread: number;
  refreshUnread: () => void;
  logout: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a logged-in page');
  return value;
}

export function departmentName(departments: Department[], id: string | null | undefined, lang: Lang): string {
  if (!id) return '—';
  const d = departments.find((x) => x.id === id);
  if (!d) return id.slice(0, 8);
  return lang === 'en' && d.nameEn ? d.nameEn : d.name;
}

export function useDepartmentName() {
  const { departments } = useSession();
  return (id: string | null | undefined, lang: Lang) => departmentName(departments, id, lang);
}
