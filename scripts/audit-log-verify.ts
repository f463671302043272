/**
 * `npm run audit-log:verify`: recomputes the audit log's hash chain and names the first row that
 * does not follow from its predecessor. Exit 0 = intact, 1 = tampered, 2 = could not check.
 */
import { connectDatabase } from '../db/client';
import { verifyAuditChain } from '../db/queries/audit-log';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/supervision';
const database = connectDatabase(url, { max: 1 });
try {
  const report = await verifyAuditChain(database.db);
  if (report.ok) {
    console.log(`audit log intact: ${report.checked} rows checked`);
  } else {
    console.error(`audit log BROKEN at row ${report.firstBroken!.id}: ${report.firstBroken!.reason} (${report.checked} rows before it are intact)`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`audit log verify failed: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await database.close();
}
