import { z } from 'zod';
import { MATTER_CODE_PATTERN, MATTER_LEVELS, MATTER_LIMITS } from '../../domain/matters';
import { ownMessages } from '../validation-messages';
import { dashboardQuery } from './dashboard';
import { pageOf, pageQuery } from './pagination';

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const matterFields = {
  code: z.string().trim().min(1).max(MATTER_LIMITS.code).regex(MATTER_CODE_PATTERN, ownMessages.matterCode.en),
  name: z.string().trim().min(1).max(MATTER_LIMITS.name),
  /** The responsible department (责任单位). */
  departmentId: z.uuid(),
  level: z.enum(MATTER_LEVELS),
  /** 监管对象 */
  object: optionalText(MATTER_LIMITS.object),
  /** 设定依据 */
  legalBasis: optionalText(MATTER_LIMITS.legalBasis),
  /** 监管流程 */
  process: optionalText(MATTER_LIMITS.process),
  /** 预期结果 */
  expectedResult: optionalText(MATTER_LIMITS.expectedResult),
};

export const matterBody = z.object(matterFields).strict();
export type MatterBody = z.infer<typeof matterBody>;
export const matterPatch = z.object(matterFields).partial().strict();
export type MatterPatch = z.infer<typeof matterPatch>;

export const matterSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  departmentNameEn: z.string().nullable(),
  level: z.enum(MATTER_LEVELS),
  object: z.string().nullable(),
  legalBasis: z.string().nullable(),
  process: z.string().nullable(),
  expectedResult: z.string().nullable(),
  updatedAt: z.string(),
});
export type MatterWire = z.infer<typeof matterSchema>;

export const matterListQuery = pageQuery.extend({
  /** One department id, or several separated by commas. */
  departmentId: z.string().max(20_000).optional(),
  /** Part of the code or the name. */
  q: z.string().trim().max(100).optional(),
});
export type MatterListQuery = z.infer<typeof matterListQuery>;
export const matterPage = pageOf(matterSchema);

export const matterImportAnswer = z.object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int() });

/** The standing book by matter: the dashboard's filters; `departmentId` names the matters' responsible departments. */
export const matterFiguresQuery = dashboardQuery;
export const matterFiguresSchema = z.object({
  matters: z.array(
    z.object({
      matterId: z.string(),
      code: z.string(),
      name: z.string(),
      departmentId: z.string(),
      departmentName: z.string().nullable(),
      departmentNameEn: z.string().nullable(),
      items: z.number().int(),
      tasks: z.number().int(),
      open: z.number().int(),
      red: z.number().int(),
      done: z.number().int(),
      onTime: z.number().int(),
      onTimeRate: z.number().nullable(),
    }),
  ),
  generatedAt: z.string(),
});
