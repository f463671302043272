/**
 * Query keys shared by every page, so a live event or a write invalidates the right lists:
 * the first element names the resource; the live-update hook invalidates by these prefixes.
 */
export const keys = {
  me: ['me'] as const,
  myWork: ['me', 'work'] as const,
  departments: ['departments'] as const,
  leaders: ['leaders'] as const,
  templates: ['templates'] as const,
  items: (params?: Record<string, unknown>) => (params ? (['items', params] as const) : (['items'] as const)),
  item: (id?: string) => (id ? (['item', id] as const) : (['item'] as const)),
  itemHistory: (id: string) => ['item', id, 'history'] as const,
  itemAccountability: (id: string) => ['item', id, 'accountability'] as const,
  itemAttachments: (id: string) => ['item', id, 'attachments'] as const,
  tasks: (params?: Record<string, unknown>) => (params ? (['tasks', params] as const) : (['tasks'] as const)),
  inbox: (params?: Record<string, unknown>) => (params ? (['inbox', params] as const) : (['inbox'] as const)),
  inboxUnread: ['inbox', 'unread'] as const,
  dashboard: ['dashboard'] as const,
  exports: (id?: string) => (id ? (['exports', id] as const) : (['exports'] as const)),
};

/** What a change to an item or its tasks makes stale (lists, the item, my work, the standing book). */
export const itemScoped = [keys.items(), keys.item(), keys.tasks(), keys.myWork, keys.dashboard];
