/**
 * First-start data: the admin account, and (unless SEED_DEMO=0) a demo organisation — a dozen
 * departments with Chinese names, one user per role and a few department clerks. Passwords are printed
 * once, when created. The demo items themselves go through the running API: scripts/demo-items.ts.
 */
import { randomBytes } from 'node:crypto';
import { hash } from 'argon2';
import { eq } from 'drizzle-orm';
import type { Database } from './client';
import { departments, users, type Role } from './schema';

export const demoDepartments: { name: string; nameEn: string }[] = [
  { name: '县政府办公室督查室', nameEn: 'Supervision Office' },
  { name: '发展和改革局', nameEn: 'Development and Reform Bureau' },
  { name: '财政局', nameEn: 'Finance Bureau' },
  { name: '教育局', nameEn: 'Education Bureau' },
  { name: '公安局', nameEn: 'Public Security Bureau' },
  { name: '民政局', nameEn: 'Civil Affairs Bureau' },
  { name: '人力资源和社会保障局', nameEn: 'Human Resources and Social Security Bureau' },
  { name: '自然资源局', nameEn: 'Natural Resources Bureau' },
  { name: '生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { name: '住房和城乡建设局', nameEn: 'Housing and Urban-Rural Development Bureau' },
  { name: '交通运输局', nameEn: 'Transport Bureau' },
  { name: '农业农村局', nameEn: 'Agriculture and Rural Affairs Bureau' },
  { name: '卫生健康局', nameEn: 'Health Bureau' },
];

const demoUsers: { username: string; displayName: string; role: Role; department: string | null }[] = [
  { username: 'supervisor', displayName: '李督查', role: 'supervisor', department: '县政府办公室督查室' },
  { username: 'leader', displayName: '王副县长', role: 'leader', department: null },
  { username: 'finance', displayName: '张三', role: 'department', department: '财政局' },
  { username: 'auditor', displayName: '赵审计', role: 'auditor', department: null },
  { username: 'operator', displayName: '孙热线', role: 'operator', department: null },
  // Clerks of the departments the demo items (scripts/demo-items.ts) are played by.
  { username: 'education', displayName: '周敏', role: 'department', department: '教育局' },
  { username: 'housing', displayName: '陈建国', role: 'department', department: '住房和城乡建设局' },
  { username: 'ecology', displayName: '林清', role: 'department', department: '生态环境局' },
  { username: 'transport', displayName: '吴路平', role: 'department', department: '交通运输局' },
];

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

export interface SeededAccount {
  username: string;
  role: Role;
  password: string;
}

/** Idempotent: creates only what is missing and returns the passwords of accounts it created. */
export async function seed(db: Database, options: { adminPassword?: string; demo: boolean }): Promise<SeededAccount[]> {
  const created: SeededAccount[] = [];
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'admin'));
  if (!admin) {
    const password = options.adminPassword ?? randomPassword();
    await db.insert(users).values({
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      passwordHash: await hash(password),
      // A generated password is shown once and must be replaced.
      mustChangePassword: options.adminPassword === undefined,
    });
    created.push({ username: 'admin', role: 'admin', password });
  }
  if (!options.demo) return created;

  await db.insert(departments).values(demoDepartments).onConflictDoNothing({ target: departments.name });
  const byName = new Map((await db.select().from(departments)).map((d) => [d.name, d.id]));
  for (const user of demoUsers) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, user.username));
    if (existing) continue;
    const password = randomPassword();
    await db.insert(users).values({
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      departmentId: user.department ? byName.get(user.department)! : null,
      passwordHash: await hash(password),
    });
    created.push({ username: user.username, role: user.role, password });
  }
  // The finance bureau's responsible leader is the demo leader.
  const [leader] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'leader'));
  if (leader) await db.update(departments).set({ leaderUserId: leader.id }).where(eq(departments.name, '财政局'));
  return created;
}
