import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The checked address to connect to (outbound-address.ts `pinnedLookup`), so DNS cannot change it after the check. */
  lookup?: LookupFunction;
  agent?: http.Agent;
  /** How much of the answer is kept: providers answer a short JSON; the rest of a long answer is dropped. */
  maxAnswerBytes: number;
  /** Bounds the whole exchange. */
  timeoutMs: number;
}

/**
 * One request to a webhook or SMS provider with node:http (lighter than fetch on this hot path).
 * Redirects are not followed: an answer of 3xx is the caller's failure to handle.
 */
export function outboundRequest(target: URL, options: OutboundRequest): Promise<{ status: number; text: string }> {
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new Error(`unsupported protocol ${target.protocol}`));
  const headers = options.body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) };
  return new Promise((resolve, reject) => {
    const client = target.protocol === 'https:' ? https : http;
    const settings = { method: options.method, ...(headers ? { headers } : {}), ...(options.agent ? { agent: options.agent } : {}), ...(options.lookup ? { lookup: options.lookup } : {}) };
    const request = client.request(target, settings, (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < options.maxAnswerBytes) chunks.push(chunk);
        kept += chunk.length;
      });
      response.on('end', () => {
        clearTimeout(deadline);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
      response.on('close', () => {
        if (!response.complete) fail(new Error('connection closed before the answer ended'));
      });
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    function fail(error: Error) {
      clearTimeout(deadline);
      reject(error);
    }
    request.on('error', fail);
    request.end(options.body);
  });
}
