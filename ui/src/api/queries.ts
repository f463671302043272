/** Shared reads (TanStack Query): organisation data every page names, and the signed-in user's counters. */
import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import { keys } from './keys';
import type { Department, InboxPage, ItemKind, Leader, Page, Template } from './types';

/** Every department (the list pages at 200 at most), for names, the tree and pickers. */
export function useDepartments() {
  return useQuery({
    queryKey: keys.departments,
    staleTime: 5 * 60_000,
    // Every department, for names and pickers: the first page tells how many pages follow, and those
    // are fetched together, so a large organisation waits for one round trip more, not one per page.
    queryFn: async ({ signal }) => {
      const pageOf = (page: number) => get<Page<Department>>(`/api/departments?pageSize=200&page=${page}`, signal);
      const first = await pageOf(1);
      const pages = Math.min(50, Math.ceil(first.total / 200));
      const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => pageOf(i + 2)));
      return [first, ...rest].flatMap((p) => p.items);
    },
  });
}

/** A department's name as written (data is never translated); its English name in English when it has one. */
export function useDepartmentName(): (id: string | null | undefined) => string {
  const { data } = useDepartments();
  return (id) => {
    if (!id) return '—';
    const d = data?.find((x) => x.id === id);
    return d ? d.name : '…';
  };
}

export function useLeaders() {
  return useQuery({
    queryKey: keys.leaders,
    staleTime: 5 * 60_000,
    queryFn: ({ signal }) => get<{ items: Leader[] }>('/api/leaders', signal).then((a) => a.items),
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    staleTime: 60_000,
    queryFn: ({ signal }) => get<{ items: Template[] }>('/api/templates', signal).then((a) => a.items),
  });
}

export function useTemplate(kind: ItemKind | undefined) {
  const templates = useTemplates();
  return { ...templates, data: templates.data?.find((t) => t.kind === kind) };
}

/** The unread count of the inbox bell (the live stream pushes it; polling is the fallback). */
export function useUnread(enabled = true) {
  return useQuery({
    queryKey: keys.inboxUnread,
    enabled,
    queryFn: ({ signal }) => get<InboxPage>('/api/inbox?pageSize=1', signal).then((p) => p.unread),
  });
}
