// The export jobs of the `exports` queue: their names, payloads and params (validated on both ends).
import { z } from 'zod';
import { ITEM_KINDS } from '../../domain/types';

export const volumeJobName = 'exports.volume.v1';

export const volumeParamsSchema = z.object({
  issuedBy: z.uuid().optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  /** ISO instants: items launched at or after / before. */
  from: z.string().optional(),
  to: z.string().optional(),
});
export type VolumeParams = z.infer<typeof volumeParamsSchema>;

/** The job carries only the export row's id; the row holds the params, status and file. */
export const volumeJobSchema = z.object({ exportId: z.uuid() });

/** A volume binds at most this many items (a larger one should be split by period). */
export const MAX_VOLUME_ITEMS = 2000;
