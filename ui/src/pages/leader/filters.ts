/** The standing book's filters, kept in the URL so a link (and the back button) shows the same figures. */
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router';
import type { ItemKind } from '../../api/types';

export interface BookFilters {
  /** The day whose end the figures are rebuilt at (YYYY-MM-DD); null: now. */
  asOfDay: string | null;
  kind: ItemKind | 'all';
  tab: string;
  showZero: boolean;
}

export function useBookFilters(): [BookFilters, (patch: Partial<BookFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters: BookFilters = {
    asOfDay: params.get('asOf'),
    kind: (params.get('kind') as ItemKind | null) ?? 'all',
    tab: params.get('tab') ?? 'book',
    showZero: params.get('zero') === '1',
  };
  const update = (patch: Partial<BookFilters>) => {
    const next = { ...filters, ...patch };
    const search = new URLSearchParams();
    if (next.asOfDay) search.set('asOf', next.asOfDay);
    if (next.kind !== 'all') search.set('kind', next.kind);
    if (next.tab !== 'book') search.set('tab', next.tab);
    if (next.showZero) search.set('zero', '1');
    setParams(search, { replace: true });
  };
  return [filters, update];
}

/** The API's `asOf`: the end of the chosen day in the user's zone (absent: now). */
export function asOfInstant(day: string | null): string | undefined {
  if (!day) return undefined;
  const end = dayjs(day).endOf('day');
  return end.isAfter(dayjs()) ? undefined : end.toISOString();
}
