import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './env';

/** Connection options shared by the client (API) and the worker: plain, mTLS or Cloud API key. */
export async function temporalConnectionOptions(
  config: Config,
): Promise<ConnectionOptions & NativeConnectionOptions> {
  const tlsFiles = config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY;
  const tls = tlsFiles
    ? {
        clientCertPair: {
          crt: await readFile(config.TEMPORAL_TLS_CERT!),
          key: await readFile(config.TEMPORAL_TLS_KEY!),
        },
        serverRootCACertificate: config.TEMPORAL_TLS_CA ? await readFile(config.TEMPORAL_TLS_CA) : undefined,
      }
    : config.TEMPORAL_API_KEY
      ? true
      : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    tls,
    apiKey: config.TEMPORAL_API_KEY,
    metadata: config.TEMPORAL_API_KEY ? { 'temporal-namespace': config.TEMPORAL_NAMESPACE } : undefined,
  } as ConnectionOptions & NativeConnectionOptions;
}
