import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict';

let segmenter: Jieba | undefined;

/** Loading the dictionary takes ~0.3 s: once per process, on first use. */
function jieba(): Jieba {
  segmenter ??= Jieba.withDict(dict);
  return segmenter;
}

/** Words that carry no topic in citizens' and officials' messages: greetings, pronouns, particles. */
const STOP_WORDS = new Set(
  '您好 你好 我们 你们 他们 我 你 他 她 它 的 了 是 在 和 与 及 或 也 都 就 还 又 而 但 把 被 对 从 为 以 于 这 那 这个 那个 这些 那些 一个 没有 什么 怎么 如何 请问 请 谢谢 感谢 希望 领导 有关 相关 问题 情况 现在 目前 已经 可以 能够 是否 进行 我们 自己 因为 所以 如果 但是 并且 而且 以及 要求 反映 关于'.split(' '),
);

/** A word worth counting: at least one letter or CJK character, not a stop word, not a lone character of Latin. */
function keep(word: string): boolean {
  if (STOP_WORDS.has(word)) return false;
  if (!/[\p{Script=Han}\p{L}]/u.test(word)) return false;
  return /\p{Script=Han}/u.test(word) ? true : word.length > 1;
}

/** The words of a text as the classifier and the duplicate search see them (Latin letters lower-cased). */
export function tokens(text: string): string[] {
  return jieba()
    .cut(text, true)
    .map((word) => word.trim().toLowerCase())
    .filter(keep);
}

/** An item's words: the title counts twice, as it names the matter in few words. */
export function documentTokens(title: string | null | undefined, text: string): string[] {
  const head = title ? tokens(title) : [];
  return [...head, ...head, ...tokens(text)];
}

let weigher: TfIdf | undefined;
/** Nouns (common, organisation, other proper) and verbal nouns: what a topic is about, not where or who. */
const TOPIC_POS = ['n', 'nz', 'nt', 'vn'];

/** A text's `count` most telling words by TF-IDF over jieba's own corpus statistics (topics, not places or greetings). */
export function keywords(text: string, count = 5): string[] {
  weigher ??= TfIdf.withDict(idf);
  return weigher
    .extractKeywords(jieba(), text, count, TOPIC_POS)
    .map((k) => k.keyword.toLowerCase())
    .filter(keep);
}
