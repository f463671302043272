/** A small organisation of one test's own: two departments, their staff, leaders, a supervisor and an issuing leader. */
import { eq } from 'drizzle-orm';
import { departments, users, type Role } from '../../../../db/schema/org';
import type { Database } from '../../../../db/client';
import { uniqueName } from '../../../support/services';

export interface TestOrg {
  department: { id: string; name: string };
  otherDepartment: { id: string; name: string };
  staff: string[];
  departmentLeader: string;
  supervisor: string;
  issuer: string;
  otherStaff: string;
  disabledStaff: string;
}

async function createUser(db: Database, role: Role, departmentId: string | null, disabled = false): Promise<string> {
  const username = uniqueName(`n-${role}`);
  const [row] = await db
    .insert(users)
    .values({ username, displayName: username, role, departmentId, passwordHash: 'not-a-login', disabled })
    .returning({ id: users.id });
  return row!.id;
}

export async function createTestOrg(db: Database, label = '财政局'): Promise<TestOrg> {
  const [department] = await db
    .insert(departments)
    .values({ name: uniqueName(label), nameEn: uniqueName('Finance Bureau') })
    .returning({ id: departments.id, name: departments.name });
  const [otherDepartment] = await db.insert(departments).values({ name: uniqueName('其他局') }).returning({ id: departments.id, name: departments.name });
  const departmentLeader = await createUser(db, 'leader', null);
  await db.update(departments).set({ leaderUserId: departmentLeader }).where(eq(departments.id, department!.id));
  return {
    department: department!,
    otherDepartment: otherDepartment!,
    staff: [await createUser(db, 'department', department!.id), await createUser(db, 'department', department!.id)],
    departmentLeader,
    supervisor: await createUser(db, 'supervisor', null),
    issuer: await createUser(db, 'leader', null),
    otherStaff: await createUser(db, 'department', otherDepartment!.id),
    disabledStaff: await createUser(db, 'department', department!.id, true),
  };
}
