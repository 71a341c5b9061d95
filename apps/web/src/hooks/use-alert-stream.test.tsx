import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Alert } from '../api/models';
import { AlertStreamProvider, useAlertStream } from './use-alert-stream';

function Feed({ testId }: { testId: string }) {
  const [seen, setSeen] = useState<string[]>([]);
  useAlertStream((a) => setSeen((s) => [...s, `${a.id}:${a.status}`]));
  return <div data-testid={testId}>{seen.join(' ')}</div>;
}

describe('AlertStreamProvider', () => {
  it('opens one connection for every listener and hands each the alerts it streams', async () => {
    const sse = [
      'event: ping\ndata: {}\n\n',
      `event: alert\nid: a1:1\ndata: ${JSON.stringify({ id: 'a1', status: 'open' } as Partial<Alert>)}\n\n`,
      `event: alert\ndata: ${JSON.stringify({ id: 'a1', status: 'acknowledged' })}\n\n`,
    ];
    const fetchMock = vi.fn(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of sse) c.enqueue(new TextEncoder().encode(chunk));
          // Left open, as a live stream is.
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <AlertStreamProvider>
          <Feed testId="one" />
          <Feed testId="two" />
        </AlertStreamProvider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('one')).toHaveTextContent('a1:open a1:acknowledged'));
    expect(screen.getByTestId('two')).toHaveTextContent('a1:open a1:acknowledged');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toMatch(/\/api\/stream\/alerts$/);
    // The session cookie authenticates the stream; no token lives in the page.
    expect(init.headers as Record<string, string>).not.toHaveProperty('authorization');
  });
});
