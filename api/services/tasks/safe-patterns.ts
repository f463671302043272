/**
 * Regular expressions that come from templates (a form field's `pattern`, `patternProperties`).
 * The server runs them with re2js, whose matching is linear in the input, so no pattern can stall
 * the API; the browser's form runs them natively, so a pattern must also pass safe-regex2's check
 * for catastrophic backtracking before a template holding it is saved.
 */
import type { Options } from 'ajv';
import { RE2JS } from 're2js';
import safeRegex from 'safe-regex2';

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;
type RegExpLike = ReturnType<RegExpEngine>;

/** ajv's `code.regExp`: JSON Schema patterns compiled to re2js (ECMAScript syntax translated). */
export const re2Engine: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    // ajv keys its compiled patterns by toString(): each pattern must name itself.
    return { test: (s: string) => compiled.test(s), toString: () => `/${pattern}/re2` } as RegExpLike;
  },
  { code: 're2Engine' },
);

/** A reason in English and Chinese. */
export interface Problem {
  en: string;
  zh: string;
}

/** Why a pattern may not be saved in a template, or null when it is fine. */
export function patternProblem(pattern: string): Problem | null {
  const quoted = JSON.stringify(pattern);
  try {
    RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    return {
      en: `pattern ${quoted} is not supported (${(error as Error).message}); lookarounds and backreferences are not allowed`,
      zh: `正则表达式 ${quoted} 不受支持（不允许使用环视和反向引用）`,
    };
  }
  if (!safeRegex(pattern)) {
    return { en: `pattern ${quoted} may backtrack catastrophically (nested repetition)`, zh: `正则表达式 ${quoted} 含嵌套重复，可能导致灾难性回溯` };
  }
  return null;
}

export interface SchemaShapeLimits {
  maxBytes: number;
  maxDepth: number;
}

/**
 * Checks a schema's size and nesting before anything compiles it and, with `patterns`, every pattern
 * it holds (`pattern` strings and `patternProperties` keys). Walks iteratively: a deep schema cannot
 * overflow the stack here. Returns the first problem, or null.
 */
export function schemaShapeProblem(schema: unknown, limits: SchemaShapeLimits, options: { patterns: boolean }): Problem | null {
  const bytes = serializedBytes(schema);
  if (bytes === null || bytes > limits.maxBytes) {
    return { en: `is too large (at most ${limits.maxBytes / 1024} KB serialized)`, zh: `过大（序列化后不得超过 ${limits.maxBytes / 1024} KB）` };
  }
  const stack: { value: unknown; depth: number }[] = [{ value: schema, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limits.maxDepth) return { en: `is nested too deeply (at most ${limits.maxDepth} levels)`, zh: `嵌套过深（不得超过 ${limits.maxDepth} 层）` };
    const problem = options.patterns ? patternsProblem(value as Record<string, unknown>) : null;
    if (problem) return problem;
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}

function patternsProblem(node: Record<string, unknown>): Problem | null {
  const patterns: string[] = [];
  if (typeof node.pattern === 'string') patterns.push(node.pattern);
  const byPattern = node.patternProperties;
  if (typeof byPattern === 'object' && byPattern !== null && !Array.isArray(byPattern)) patterns.push(...Object.keys(byPattern));
  for (const pattern of patterns) {
    const problem = patternProblem(pattern);
    if (problem) return problem;
  }
  return null;
}

function serializedBytes(value: unknown): number | null {
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch {
    return null; // too deep to serialize
  }
}
