import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../db/client';
import { departments } from '../../../db/schema';
import { testConfig, uniqueName } from '../../support/services';

describe('Postgres through drizzle', () => {
  const database = connectDatabase(testConfig().DATABASE_URL, { max: 2 });
  afterAll(() => database.close());

  it('reads back a row it wrote, on the migrated schema', async () => {
    const name = uniqueName('测试局');
    const [inserted] = await database.db.insert(departments).values({ name, nameEn: 'Test Bureau' }).returning();
    const [read] = await database.db.select().from(departments).where(eq(departments.id, inserted!.id));
    expect(read).toMatchObject({ name, nameEn: 'Test Bureau' });
    expect(read!.createdAt).toBeInstanceOf(Date);
    // It really is a Postgres server answering, not an in-process stand-in.
    const [row] = await database.sql<{ version: string }[]>`select version()`;
    expect(row!.version).toMatch(/^PostgreSQL \d+/);
  });
});
