/**
 * Small made-up work orders for AI assist tests: each department has its own words, every text
 * mixes a few of them with words all departments share. Deterministic (a seeded generator).
 */
export const TOPICS: Record<string, string[]> = {
  traffic: ['道路', '公交', '红绿灯', '拥堵', '停车', '路口', '车辆', '限速', '斑马线', '地铁'],
  schools: ['学校', '学生', '老师', '学费', '幼儿园', '教室', '课程', '校车', '考试', '招生'],
  environment: ['噪音', '污染', '排放', '垃圾', '废水', '烟尘', '臭味', '河道', '油烟', '扬尘'],
};
const SHARED = ['小区', '居民', '附近', '每天', '严重', '处理', '解决', '投诉', '多次', '影响'];

function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface MadeUpRow {
  title: string;
  text: string;
  topic: string;
}

/** `perTopic` texts per topic (label: the topic's key; map it to a department by the caller). */
export function madeUpHistory(perTopic: number, seed = 7): MadeUpRow[] {
  const random = generator(seed);
  const pick = (words: string[]) => words[Math.floor(random() * words.length)]!;
  const rows: MadeUpRow[] = [];
  for (let i = 0; i < perTopic; i += 1) {
    for (const [topic, words] of Object.entries(TOPICS)) {
      const own = Array.from({ length: 4 }, () => pick(words));
      const shared = Array.from({ length: 3 }, () => pick(SHARED));
      rows.push({ title: `${own[0]}${shared[0]}问题`, text: `${shared[1]}${own[1]}，${own[2]}${shared[2]}，${own[3]}。`, topic });
    }
  }
  return rows;
}
