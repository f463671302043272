/**
 * AI assist on real citizens' messages (issue 18), read at run time from ../shared/data/appeals/
 * (never copied into the repository; the bench says so and stops when the files are absent).
 *
 * - Department suggestion: 4-fold cross-validation grouped by `group` (a message and its reposts
 *   never on both sides). Each fold writes its train and test files to a temporary directory and runs
 *   `npm run ai -- evaluate` on them, the product's own path; the figures are its last JSON line.
 *   Baseline in the same run: the majority class of each fold's training side.
 * - Duplicates: MinHash similarity over every pair of labelled messages: recall on the repost pairs
 *   (same `group`) at the product's threshold, and the share of proposed pairs whose classes differ;
 *   then what a dispatcher is shown (the top 5 above the threshold, as the launch, appeal and item
 *   pages list them, where merging starts): the share of messages with a repost shown one of it, and
 *   the duplicates of a different class shown per 1,000 messages registered.
 *
 * - Hotspots: the topics of the last 90 days of `endorsed.jsonl`, with their likes, printed for a
 *   person to judge.
 *
 * `npx tsx bench/ai.ts [folds=4] [parts=suggestions,duplicates,hotspots]`
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { minhash, SIGNATURE_SIZE } from '../assist/minhash';
import { documentTokens, keywords } from '../assist/tokenize';
import { DUPLICATE_SIMILARITY, MAX_DUPLICATES } from '../api/services/ai/duplicates';
import { hotspots } from '../assist/hotspots';

interface Message {
  id: string;
  title: string | null;
  text: string;
  label: string;
  group: string | number;
}

const DATA = resolve(import.meta.dirname, '../../shared/data/appeals/labelled.jsonl');
const ENDORSED = resolve(import.meta.dirname, '../../shared/data/appeals/endorsed.jsonl');
const FOLDS = Number(process.argv[2] ?? 4);
const PARTS = new Set((process.argv[3] ?? 'suggestions,duplicates,hotspots').split(','));

function foldOfGroup(group: string): number {
  let hash = 2166136261;
  for (const ch of group) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % FOLDS;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

function majorityBaseline(train: Message[], test: Message[]) {
  const counts = new Map<string, number>();
  for (const m of train) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const top3 = majority.slice(0, 3).map(([label]) => label);
  const accuracy = test.filter((m) => m.label === top3[0]).length / test.length;
  const labels = new Set(test.map((m) => m.label));
  // Macro-F1 of always answering the majority: only its class scores.
  const recall = 1;
  const precision = accuracy;
  const macroF1 = (2 * precision * recall) / (precision + recall) / labels.size;
  return { accuracy, macroF1, top3: test.filter((m) => top3.includes(m.label)).length / test.length };
}

function suggestionFolds(messages: Message[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ai-bench-'));
  const results: Array<Record<string, number>> = [];
  const baselines: Array<Record<string, number>> = [];
  const memory: string[] = [];
  try {
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const train = messages.filter((m) => foldOfGroup(String(m.group)) !== fold);
      const test = messages.filter((m) => foldOfGroup(String(m.group)) === fold);
      const trainFile = join(dir, `train-${fold}.jsonl`);
      const testFile = join(dir, `test-${fold}.jsonl`);
      writeFileSync(trainFile, train.map((m) => JSON.stringify(m)).join('\n'));
      writeFileSync(testFile, test.map((m) => JSON.stringify(m)).join('\n'));
      const output = execFileSync('npx', ['tsx', 'scripts/ai.ts', 'evaluate', '--train', trainFile, '--test', testFile], { cwd: resolve(import.meta.dirname, '..'), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      const lines = output.trim().split('\n');
      const figures = JSON.parse(lines.at(-1)!) as Record<string, number>;
      memory.push(lines.find((line) => line.startsWith('memory:')) ?? '');
      results.push(figures);
      baselines.push(majorityBaseline(train, test));
      console.log(`fold ${fold + 1}/${FOLDS}: train ${train.length}, test ${test.length}: ${JSON.stringify(figures)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const avg = (key: string, of = results) => mean(of.map((r) => r[key]!));
  console.log('\ndepartment suggestion, mean over folds (grouped by repost group)');
  console.log(`| figure | TF-IDF + linear SVM, words and characters views (product) | majority class (baseline) | goal |`);
  console.log(`| --- | --- | --- | --- |`);
  console.log(`| accuracy | ${avg('accuracy').toFixed(3)} | ${avg('accuracy', baselines).toFixed(3)} | |`);
  console.log(`| macro-F1 | ${avg('macroF1').toFixed(3)} | ${avg('macroF1', baselines).toFixed(3)} | ≥ 0.92 |`);
  console.log(`| top-3 accuracy | ${avg('top3').toFixed(3)} | ${avg('top3', baselines).toFixed(3)} | ≥ 0.98 |`);
  console.log(`| auto-dispatched share (threshold from training history, target 98 %) | ${pct(avg('autoShare'))} | — | ≥ 70 % |`);
  console.log(`| precision of the auto-dispatched | ${avg('autoPrecision').toFixed(3)} | — | ≥ 0.98 |`);
  console.log(`| training seconds (segmentation included) | ${avg('trainSeconds').toFixed(1)} (max ${Math.max(...results.map((r) => r.trainSeconds!)).toFixed(1)}) | — | ≤ 60 |`);
  console.log(`| training CPU seconds (the wall-clock figure above also counts other processes on a shared machine) | ${avg('trainCpuSeconds').toFixed(1)} (max ${Math.max(...results.map((r) => r.trainCpuSeconds!)).toFixed(1)}) | — | |`);
  console.log(`| suggestion p95 ms (segmentation included), wall clock | ${avg('suggestP95Ms').toFixed(1)} (max ${Math.max(...results.map((r) => r.suggestP95Ms!)).toFixed(1)}) | — | ≤ 20 |`);
  console.log(`| suggestion p95 ms, CPU | ${avg('suggestCpuP95Ms').toFixed(1)} (max ${Math.max(...results.map((r) => r.suggestCpuP95Ms!)).toFixed(1)}) | — | ≤ 20 |`);
  for (const line of memory) console.log(line);
}

function duplicateFigures(messages: Message[]) {
  const started = performance.now();
  const signatures = messages.map((m) => minhash(documentTokens(m.title, m.text)) ?? new Array<number>(SIGNATURE_SIZE).fill(0));
  const flat = new Int32Array(messages.length * SIGNATURE_SIZE);
  signatures.forEach((s, i) => flat.set(s, i * SIGNATURE_SIZE));
  const need = Math.ceil(DUPLICATE_SIMILARITY * SIGNATURE_SIZE);
  let repostPairs = 0;
  let repostFound = 0;
  let proposed = 0;
  let proposedAcrossClasses = 0;
  let proposedSameGroup = 0;
  const candidates: Array<Array<{ j: number; same: number }>> = messages.map(() => []);
  for (let i = 0; i < messages.length; i += 1) {
    for (let j = i + 1; j < messages.length; j += 1) {
      let same = 0;
      for (let k = 0; k < SIGNATURE_SIZE; k += 1) if (flat[i * SIGNATURE_SIZE + k] === flat[j * SIGNATURE_SIZE + k]) same += 1;
      const repost = messages[i]!.group === messages[j]!.group;
      if (repost) repostPairs += 1;
      if (same >= need) {
        candidates[i]!.push({ j, same });
        candidates[j]!.push({ j: i, same });
        proposed += 1;
        if (repost) {
          repostFound += 1;
          proposedSameGroup += 1;
        }
        if (messages[i]!.label !== messages[j]!.label) proposedAcrossClasses += 1;
      }
    }
  }
  console.log(`\nduplicates (MinHash ${SIGNATURE_SIZE}, similarity ≥ ${DUPLICATE_SIMILARITY}) over ${messages.length} messages, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`| figure | value |`);
  console.log(`| --- | --- |`);
  console.log(`| repost pairs (same group) | ${repostPairs} |`);
  console.log(`| recall on repost pairs | ${pct(repostFound / (repostPairs || 1))} |`);
  console.log(`| pairs proposed | ${proposed} (${proposedSameGroup} of them reposts) |`);
  console.log(`| proposed pairs of different classes | ${pct(proposedAcrossClasses / (proposed || 1))} |`);
  shownFigures(messages, candidates);
}

/**
 * What a dispatcher is actually shown when each message is registered with all the others open: the
 * top MAX_DUPLICATES above the threshold (the launch and appeal pages' list, where merging starts).
 */
function shownFigures(messages: Message[], candidates: Array<Array<{ j: number; same: number }>>) {
  const groupSize = new Map<string, number>();
  for (const m of messages) groupSize.set(String(m.group), (groupSize.get(String(m.group)) ?? 0) + 1);
  let shown = 0;
  let shownAcross = 0;
  let withReposts = 0;
  let repostShown = 0;
  for (let i = 0; i < messages.length; i += 1) {
    const list = [...candidates[i]!].sort((a, b) => b.same - a.same).slice(0, MAX_DUPLICATES);
    shown += list.length;
    shownAcross += list.filter((c) => messages[c.j]!.label !== messages[i]!.label).length;
    if ((groupSize.get(String(messages[i]!.group)) ?? 0) > 1) {
      withReposts += 1;
      if (list.some((c) => messages[c.j]!.group === messages[i]!.group)) repostShown += 1;
    }
  }
  const perThousand = (n: number) => ((n * 1000) / (messages.length || 1)).toFixed(1);
  console.log(`| messages with a repost, shown at least one of it (top ${MAX_DUPLICATES}) | ${pct(repostShown / (withReposts || 1))} of ${withReposts} |`);
  console.log(`| duplicates shown per 1,000 messages registered | ${perThousand(shown)} |`);
  console.log(`| of them of a different class, per 1,000 messages | ${perThousand(shownAcross)} (${pct(shownAcross / (shown || 1))} of those shown) |`);
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

function hotspotTopics() {
  const messages = readJsonl<{ id: string; title: string | null; text: string; time: string; likes: number }>(ENDORSED);
  const documents = messages.map((m) => ({ id: m.id, tokens: keywords(`${m.title ?? ''}\n${m.text}`), at: new Date(m.time), endorsements: Number(m.likes) || 0 }));
  const times = documents.map((d) => d.at.getTime()).filter((t) => !Number.isNaN(t));
  // The last 90 days of the file, as a leader's page would show them.
  const to = new Date(Math.max(...times));
  const from = new Date(to.getTime() - 90 * 86_400_000);
  const topics = hotspots(documents, { from, to, maxTopics: 15 });
  console.log(`\nhotspots of the ${documents.filter((d) => d.at >= from).length} endorsed messages of the last 90 days, ${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)} (for a person to judge)`);
  console.log('| topic (top words) | messages | trend (later − earlier half) | likes |');
  console.log('| --- | --- | --- | --- |');
  for (const t of topics) console.log(`| ${t.words.join(' ')} | ${t.count} | ${t.trend} | ${t.endorsements} |`);
}

if (!existsSync(DATA) || !existsSync(ENDORSED)) {
  console.log(`bench/ai.ts: ${DATA} or ${ENDORSED} is absent; the evaluation reads the real messages only from there, so nothing was measured.`);
  process.exit(0);
}
const messages = readJsonl<Message>(DATA);
console.log(`${messages.length} labelled messages from ${DATA} (read at run time, never copied)`);
if (PARTS.has('suggestions')) suggestionFolds(messages);
if (PARTS.has('duplicates')) duplicateFigures(messages);
if (PARTS.has('hotspots')) hotspotTopics();
