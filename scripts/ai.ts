/**
 * `npm run ai -- evaluate --train A.jsonl --test B.jsonl`: trains on A as imported history and
 * suggests for every row of B through the product's own code (assist/), then prints the figures and,
 * as its last line, one JSON object. Files of the shape `{title?, text, label}` or `{…, department}`;
 * `.csv` files are read as the admin's import reads them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluate } from '../assist/evaluate';
import { parseCsv, parseJsonl, type HistoryRow } from '../assist/history-file';

async function readHistory(path: string): Promise<HistoryRow[]> {
  const content = readFileSync(path, 'utf8');
  const parsed = path.endsWith('.csv') ? await parseCsv(content) : parseJsonl(content);
  if (!parsed.ok) throw new Error(`${path}: row ${parsed.error.row}, field ${parsed.error.field}: ${parsed.error.message}`);
  return parsed.rows;
}

async function main() {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { train: { type: 'string' }, test: { type: 'string' }, precision: { type: 'string' } } });
  if (positionals[0] !== 'evaluate' || !values.train || !values.test) {
    console.error('usage: npm run ai -- evaluate --train A.jsonl --test B.jsonl [--precision 0.98]');
    process.exit(2);
  }
  const [train, test] = await Promise.all([readHistory(values.train), readHistory(values.test)]);
  const result = evaluate(train, test, values.precision ? Number(values.precision) : undefined);
  console.log(`trained on ${train.length}, tested on ${test.length}; threshold ${result.threshold?.toFixed(4) ?? 'none (too little history)'}`);
  for (const f of result.perLabel) console.log(`  ${f.label}: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)} (${f.support})`);
  console.log(`memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, model serialised ${(result.modelBytes / 1024).toFixed(0)} KiB`);
  const { accuracy, macroF1, top3, autoShare, autoPrecision, trainSeconds, trainCpuSeconds, suggestP95Ms, suggestCpuP95Ms } = result;
  console.log(JSON.stringify({ accuracy, macroF1, top3, autoShare, autoPrecision, trainSeconds, trainCpuSeconds, suggestP95Ms, suggestCpuP95Ms }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
