import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';

/**
 * Whether the api is shutting down. Nest calls `beforeApplicationShutdown`
 * before it closes the HTTP server: from then on readiness answers 503 (a
 * load balancer stops sending new requests) and `closing` fires, on which the
 * live alert streams end — an open server-sent-events response would
 * otherwise keep the server from closing until the browser went away.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  stopping = false;
  private readonly closing$ = new Subject<void>();

  /** Emits once when shutdown begins. */
  get closing(): Observable<void> {
    return this.closing$.asObservable();
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.closing$.next();
    this.closing$.complete();
  }
}
