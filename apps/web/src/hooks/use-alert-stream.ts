import { useQueryClient } from '@tanstack/react-query';
import { createParser } from 'eventsource-parser';
import { useEffect, useRef } from 'react';
import type { Alert } from '../api/models';
import { API_BASE, getToken } from '../api/session';

/**
 * Follows the api's live alert stream (`GET /stream/alerts`, server-sent
 * events read with fetch so the token travels in the Authorization header).
 * Every alert change refreshes the alert and dashboard queries and is passed
 * to `onAlert`; the connection is re-opened 3 s after it drops.
 */
export function useAlertStream(onAlert?: (a: Alert) => void, businessId?: string): void {
  const qc = useQueryClient();
  const cb = useRef(onAlert);
  cb.current = onAlert;
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      void qc.invalidateQueries({ queryKey: ['alerts'] });
      void qc.invalidateQueries({ queryKey: ['overview'] });
    };
    const connect = async () => {
      try {
        const res = await fetch(`${API_BASE}/stream/alerts${businessId ? `?businessId=${encodeURIComponent(businessId)}` : ''}`, {
          headers: { authorization: `Bearer ${getToken() ?? ''}`, accept: 'text/event-stream' },
          signal: ctrl.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        // Changes missed while disconnected are picked up by reloading.
        refresh();
        const parser = createParser({
          onEvent(ev) {
            if (ev.event === 'alert') {
              refresh();
              cb.current?.(JSON.parse(ev.data) as Alert);
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
  }, [qc, businessId]);
}
