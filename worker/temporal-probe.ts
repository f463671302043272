import { Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';

/**
 * A health check of the Temporal frontend for worker/rejoin.ts: a connection of its own with no retry
 * interceptor and a reconnect backoff capped at half a second (gRPC's default grows to two minutes),
 * so that it tells within about a second that the server is back.
 */
export async function temporalProbe(config: Config, deadlineMs = 1_000) {
  const connection = await Connection.connect({
    ...(await temporalConnectionOptions(config)),
    interceptors: [],
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 500 },
  });
  const check = async () => {
    try {
      const answer = await connection.withDeadline(Date.now() + deadlineMs, () => connection.healthService.check({}));
      return answer.status === 1; // SERVING
    } catch {
      return false;
    }
  };
  return { check, close: () => connection.close() };
}
