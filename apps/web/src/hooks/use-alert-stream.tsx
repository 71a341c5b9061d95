import { useQueryClient } from '@tanstack/react-query';
import { createParser } from 'eventsource-parser';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { Alert } from '../api/models';
import { API_BASE } from '../api/session';
import { alertKeys } from '../features/alerts/keys';
import { overviewKeys } from '../features/dashboard/keys';

type Listener = (a: Alert) => void;
const ListenersContext = createContext<Set<Listener> | null>(null);

/**
 * One connection to the api's live alert stream (`GET /stream/alerts`,
 * server-sent events read with fetch so the token travels in the
 * Authorization header) for the whole signed-in app. Every alert change
 * refreshes the alert and dashboard queries and reaches each `useAlertStream`
 * listener; the connection is re-opened 3 s after it drops, and lists are
 * reloaded then (changes while disconnected are not replayed).
 */
export function AlertStreamProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const listeners = useRef(new Set<Listener>()).current;
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: alertKeys.all });
      void qc.invalidateQueries({ queryKey: overviewKeys.all });
    };
    const connect = async () => {
      try {
        const res = await fetch(`${API_BASE}/stream/alerts`, {
          // The session cookie goes along (same origin).
          headers: { accept: 'text/event-stream' },
          signal: ctrl.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        refresh();
        const parser = createParser({
          onEvent(ev) {
            if (ev.event === 'alert') {
              refresh();
              const alert = JSON.parse(ev.data) as Alert;
              for (const l of listeners) l(alert);
            } else if (ev.event === 'reload') refresh();
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // reconnect below
      }
      if (!ctrl.signal.aborted) timer = setTimeout(() => void connect(), 3000);
    };
    void connect();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [qc, listeners]);
  return <ListenersContext.Provider value={listeners}>{children}</ListenersContext.Provider>;
}

/** Calls `onAlert` for every alert change the app's stream receives (inside AlertStreamProvider). */
export function useAlertStream(onAlert: Listener): void {
  const listeners = useContext(ListenersContext);
  const cb = useRef(onAlert);
  cb.current = onAlert;
  useEffect(() => {
    if (!listeners) return;
    const l: Listener = (a) => cb.current(a);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, [listeners]);
}
