/** A text in the window: its words, when it came, and what else is known about it. */
export interface HotspotDocument {
  id: string;
  tokens: readonly string[];
  at: Date;
  departmentIds?: readonly string[];
  endorsements?: number;
}

export interface Topic {
  /** The topic's top words, the first the one that gathered it. */
  words: string[];
  count: number;
  /** Texts in the later half of the window minus those in the earlier half. */
  trend: number;
  endorsements: number;
  departmentIds: string[];
  ids: string[];
}

export interface HotspotOptions {
  from: Date;
  to: Date;
  maxTopics?: number;
  /** Fewest texts that make a topic. */
  minCount?: number;
  /** Words in more than this share of the texts are too common to name a topic (off by default: keywords come TF-IDF-weighted). */
  maxShare?: number;
}

/**
 * Topics of a window, greedily: the word shared by most of the texts not yet in a topic gathers them
 * into one, named by it and the words most frequent among them; then the next, on what is left.
 */
export function hotspots(documents: readonly HotspotDocument[], options: HotspotOptions): Topic[] {
  const { from, to, maxTopics = 10, minCount = 3, maxShare = 1 } = options;
  const middle = from.getTime() + (to.getTime() - from.getTime()) / 2;
  const inWindow = documents.filter((d) => d.at >= from && d.at <= to);
  const words = inWindow.map((d) => new Set(d.tokens.filter((w) => w.length > 1)));
  const tooCommon = Math.max(minCount, Math.floor(inWindow.length * maxShare));
  const left = new Set(inWindow.keys());
  const documentFrequency = countAll(words);
  const topics: Topic[] = [];
  while (topics.length < maxTopics) {
    const frequency = new Map<string, number>();
    for (const i of left) for (const w of words[i]!) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    const [seed, count] = [...frequency.entries()].filter(([w]) => (documentFrequency.get(w) ?? 0) <= tooCommon).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
    if (count < minCount) break;
    const members = [...left].filter((i) => words[i]!.has(seed));
    for (const i of members) left.delete(i);
    const within = countAll(members.map((i) => words[i]!));
    const named = [...within.entries()]
      .filter(([w]) => w !== seed && (documentFrequency.get(w) ?? 0) <= tooCommon)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 2)
      .map(([w]) => w);
    const docs = members.map((i) => inWindow[i]!);
    topics.push({
      words: [seed, ...named],
      count: docs.length,
      trend: docs.filter((d) => d.at.getTime() >= middle).length - docs.filter((d) => d.at.getTime() < middle).length,
      endorsements: docs.reduce((sum, d) => sum + (d.endorsements ?? 0), 0),
      departmentIds: [...new Set(docs.flatMap((d) => d.departmentIds ?? []))],
      ids: docs.map((d) => d.id),
    });
  }
  return topics;
}

function countAll(sets: ReadonlyArray<ReadonlySet<string>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const set of sets) for (const w of set) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** A pinned topic as it stands in a window: its count, trend, and counts bucket by bucket (oldest first). */
export interface PinnedTopicFigures {
  count: number;
  trend: number;
  series: number[];
  departmentIds: string[];
  ids: string[];
}

/**
 * A pinned topic's texts: those carrying its first word (the one that gathered it), or at least two
 * of its words — counted whether or not the topic is in the top list, and whatever other topic took them.
 */
export function pinnedTopic(documents: readonly HotspotDocument[], words: readonly string[], options: { from: Date; to: Date; buckets?: number }): PinnedTopicFigures {
  const { from, to, buckets = 6 } = options;
  const span = Math.max(1, to.getTime() - from.getTime());
  const middle = from.getTime() + span / 2;
  const members = documents.filter((d) => {
    if (d.at < from || d.at > to) return false;
    const own = new Set(d.tokens);
    return own.has(words[0]!) || words.filter((w) => own.has(w)).length >= 2;
  });
  const series = new Array<number>(buckets).fill(0);
  for (const d of members) series[Math.min(buckets - 1, Math.floor(((d.at.getTime() - from.getTime()) / span) * buckets))]! += 1;
  return {
    count: members.length,
    trend: members.filter((d) => d.at.getTime() >= middle).length - members.filter((d) => d.at.getTime() < middle).length,
    series,
    departmentIds: [...new Set(members.flatMap((d) => d.departmentIds ?? []))],
    ids: members.map((d) => d.id),
  };
}
