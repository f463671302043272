/**
 * Live updates: `GET /api/events` (server-sent events, authorised like the routes they mirror)
 * invalidates the queries an event makes stale. When the stream fails, every active query is
 * refetched each 15 s until the stream comes back (tried again each minute).
 */
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { itemScoped, keys } from '../api/keys';

export type LiveState = 'connecting' | 'live' | 'polling';

const POLL_MS = 15_000;
const RECONNECT_MS = 60_000;

function onEvent(queryClient: QueryClient, type: string, data: Record<string, unknown>) {
  switch (type) {
    case 'task':
    case 'item': {
      for (const key of itemScoped) void queryClient.invalidateQueries({ queryKey: key });
      break;
    }
    case 'inbox': {
      if (typeof data.unread === 'number') queryClient.setQueryData(keys.inboxUnread, data.unread);
      void queryClient.invalidateQueries({ queryKey: keys.inbox(), predicate: (q) => q.queryKey[1] !== 'unread' });
      break;
    }
    case 'export': {
      if (typeof data.id === 'string') void queryClient.invalidateQueries({ queryKey: keys.exports(data.id) });
      break;
    }
  }
}

export function useLiveUpdates(enabled: boolean): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let poll: ReturnType<typeof setInterval> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const startPolling = (reconnect: boolean) => {
      setState('polling');
      poll ??= setInterval(() => void queryClient.invalidateQueries({ type: 'active' }), POLL_MS);
      if (reconnect)
        retry ??= setTimeout(() => {
          retry = null;
          connect();
        }, RECONNECT_MS);
    };
    const connect = () => {
      if (stopped) return;
      source?.close();
      source = new EventSource('/api/events', { withCredentials: true });
      source.onopen = () => {
        setState('live');
        if (poll) clearInterval(poll);
        poll = null;
        // Whatever changed while the stream was down.
        void queryClient.invalidateQueries({ type: 'active' });
      };
      // The browser reconnects by itself after a dropped connection; a refused one (404, 401) closes.
      source.onerror = () => startPolling(source?.readyState === EventSource.CLOSED);
      for (const type of ['task', 'item', 'inbox', 'export']) {
        source.addEventListener(type, (event) => {
          let data: Record<string, unknown> = {};
          try {
            data = JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
          } catch {
            // an event without a JSON body still means "something changed"
          }
          onEvent(queryClient, type, data);
        });
      }
    };
    connect();
    return () => {
      stopped = true;
      source?.close();
      if (poll) clearInterval(poll);
      if (retry) clearTimeout(retry);
    };
  }, [enabled, queryClient]);
  return state;
}
