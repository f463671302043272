// Deterministic workflow ids: the API finds a workflow from the row id alone, and starting the same
// item twice is refused by Temporal instead of creating a duplicate.

export function itemWorkflowId(itemId: string): string {
  return `item-${itemId}`;
}

export function taskWorkflowId(taskId: string): string {
  return `task-${taskId}`;
}
