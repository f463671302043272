/**
 * MinHash signatures of a text's word set, for finding texts that say the same thing. No maintained
 * npm package for MinHash is installed here; the algorithm is a few lines: for each of `SIZE` seeded
 * hash functions, the least hash over the words. The share of equal positions estimates the Jaccard
 * similarity of the two word sets.
 */
export const SIGNATURE_SIZE = 64;

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

/** FNV-1a of a string, 32 bits. */
function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i += 1) hash = Math.imul(hash ^ word.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** murmur3's finaliser: spreads the bits of a 32-bit value. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The signature of a set of words (signed 32-bit, as Postgres `integer[]` holds them); null for no words. */
export function minhash(words: Iterable<string>): number[] | null {
  const hashes = [...new Set(words)].map(fnv1a);
  if (hashes.length === 0) return null;
  return SEEDS.map((seed) => {
    let least = 0xffffffff;
    for (const hash of hashes) least = Math.min(least, mix(hash ^ seed));
    return least | 0;
  });
}

/** Estimated Jaccard similarity of the two signatures' word sets, 0–1. */
export function similarity(a: readonly number[], b: readonly number[]): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) if (a[i] === b[i]) same += 1;
  return same / SIGNATURE_SIZE;
}
