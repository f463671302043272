/** The catalogue of supervision matters (监管事项): its shape and the one read pickers share. */
import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { Page } from '../../api/types';

export const MATTER_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type MatterLevel = (typeof MATTER_LEVELS)[number];

export interface Matter {
  id: string;
  code: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  departmentNameEn: string | null;
  level: MatterLevel;
  object: string | null;
  legalBasis: string | null;
  process: string | null;
  expectedResult: string | null;
  updatedAt: string;
}

export const MATTERS = ['matters'];

/** The first 200 matters by code, for pickers (a department's list is far shorter). */
export function useMatterOptions(enabled = true) {
  return useQuery({
    queryKey: [...MATTERS, 'options'],
    enabled,
    staleTime: 60_000,
    queryFn: ({ signal }) => get<Page<Matter>>('/api/matters?pageSize=200', signal).then((p) => p.items),
  });
}
