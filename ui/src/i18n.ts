/** UI strings in both languages; the browser's language picks one, a toggle overrides it. */
export const messages = {
  zh: {
    title: '督查督办',
    subtitle: '会议议定事项 · 领导批示 · 上级批件 · 重点工作',
    platform: '平台状态',
    checking: '正在检查…',
    ok: '正常',
    docs: '接口文档',
    parts: { temporal: '流程引擎 (Temporal)', database: '数据库 (Postgres)', redis: '消息队列 (Redis)' },
    language: 'English',
  },
  en: {
    title: 'Supervision',
    subtitle: 'Meeting resolutions · Leadership instructions · Approval documents · Key tasks',
    platform: 'Platform status',
    checking: 'Checking…',
    ok: 'OK',
    docs: 'API docs',
    parts: { temporal: 'Workflow engine (Temporal)', database: 'Database (Postgres)', redis: 'Queues (Redis)' },
    language: '中文',
  },
} as const;

export type Lang = keyof typeof messages;

export function initialLang(): Lang {
  const saved = localStorage.getItem('lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
