// The part of autocannon 8's API that bench/load.ts uses (the package ships no types and
// @types/autocannon is not a dependency).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface Request extends RequestParams {
    // The context is whatever the caller keeps per connection (reset when the requests array wraps).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    setupRequest?: (request: RequestParams, context: any) => RequestParams | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onResponse?: (status: number, body: string, context: any, headers: Record<string, string>) => void;
  }
  /** A connection (autocannon's lib/httpClient.js), as `setupClient` is handed it. */
  export interface Client extends EventEmitter {
    _doRequest(): void;
    destroyed: boolean;
    requestIterator: { recordBody(request: unknown, status: number, body: string, headers: unknown): void };
  }
  export interface Options {
    setupClient?: (client: Client) => void;
    url: string;
    connections?: number;
    duration?: number;
    connectionRate?: number;
    timeout?: number;
    requests?: Request[];
    headers?: Record<string, string>;
  }
  export interface Histogram {
    average: number;
    p50: number;
    p97_5: number;
    p99: number;
    max: number;
  }
  export interface Result {
    requests: Histogram & { total: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
