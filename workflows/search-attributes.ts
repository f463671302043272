// Custom search attributes (registered on the dev servers from temporal-dev.yaml), so Temporal's own
// visibility can filter items by department, kind, light, status and issuing leader.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SupervisionDepartments = defineSearchAttributeKey('SupervisionDepartments', SearchAttributeType.KEYWORD_LIST);
export const SupervisionKind = defineSearchAttributeKey('SupervisionKind', SearchAttributeType.KEYWORD);
export const SupervisionLight = defineSearchAttributeKey('SupervisionLight', SearchAttributeType.KEYWORD);
export const SupervisionStatus = defineSearchAttributeKey('SupervisionStatus', SearchAttributeType.KEYWORD);
export const SupervisionIssuedBy = defineSearchAttributeKey('SupervisionIssuedBy', SearchAttributeType.KEYWORD);
