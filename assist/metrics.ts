/** One held-out answer: the true label and the ranked suggestions with the top one's confidence. */
export interface HeldOutAnswer {
  truth: string;
  ranked: string[];
  confidence: number;
}

export interface LabelFigures {
  label: string;
  precision: number;
  recall: number;
  support: number;
}

export interface Figures {
  examples: number;
  accuracy: number;
  top3: number;
  macroF1: number;
  perLabel: LabelFigures[];
}

/** Accuracy, top-3 accuracy, macro-F1 and each label's precision and recall. */
export function figures(answers: readonly HeldOutAnswer[]): Figures {
  const labels = [...new Set(answers.map((a) => a.truth))].sort();
  const n = answers.length || 1;
  const perLabel = labels.map((label) => {
    const predicted = answers.filter((a) => a.ranked[0] === label);
    const actual = answers.filter((a) => a.truth === label);
    const hits = predicted.filter((a) => a.truth === label).length;
    return { label, precision: predicted.length ? hits / predicted.length : 0, recall: actual.length ? hits / actual.length : 0, support: actual.length };
  });
  const f1 = (f: LabelFigures) => (f.precision + f.recall > 0 ? (2 * f.precision * f.recall) / (f.precision + f.recall) : 0);
  return {
    examples: answers.length,
    accuracy: answers.filter((a) => a.ranked[0] === a.truth).length / n,
    top3: answers.filter((a) => a.ranked.slice(0, 3).includes(a.truth)).length / n,
    macroF1: perLabel.reduce((sum, f) => sum + f1(f), 0) / (perLabel.length || 1),
    perLabel,
  };
}

export interface Threshold {
  /** The lowest top confidence at which held-out suggestions were right at least `target` of the time. */
  threshold: number;
  /** Share of held-out texts at or above it. */
  coverage: number;
  /** Precision of those texts. */
  precision: number;
}

/**
 * The confidence threshold reaching `target` precision on held-out answers, covering as many as
 * possible: the deepest cut of the answers sorted by confidence whose precision is still ≥ target.
 * Null when fewer than `minAbove` answers would qualify (too little history to promise a precision).
 */
export function thresholdFor(answers: readonly HeldOutAnswer[], target: number, minAbove = 20): Threshold | null {
  const sorted = [...answers].sort((a, b) => b.confidence - a.confidence);
  let hits = 0;
  let best: Threshold | null = null;
  for (let i = 0; i < sorted.length; i += 1) {
    if (sorted[i]!.ranked[0] === sorted[i]!.truth) hits += 1;
    // A cut falls only between different confidences: ties go in together.
    if (i + 1 < sorted.length && sorted[i + 1]!.confidence === sorted[i]!.confidence) continue;
    const precision = hits / (i + 1);
    if (precision >= target && i + 1 >= minAbove) best = { threshold: sorted[i]!.confidence, coverage: (i + 1) / sorted.length, precision };
  }
  return best;
}
