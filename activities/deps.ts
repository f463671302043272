import type { Config } from '../config/env';
import type { Database } from '../db/client';
import type { Queues } from '../jobs/queues';

/** What activities may touch: the read model and the job queues. Nothing else. */
export interface ActivityDeps {
  config: Config;
  db: Database;
  queues: Queues;
}
