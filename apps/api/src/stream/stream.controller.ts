import { Allow } from '../auth/permission.decorator';
import { Controller, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { filter, interval, map, merge, takeUntil, type Observable } from 'rxjs';
import { ShutdownState } from '../health/shutdown-state';
import { AlertStreamService } from './alert-stream.service';

/** Seconds between keep-alive messages, below common proxy idle timeouts (60 s). */
const PING_MS = 15_000;

@ApiTags('stream')
@ApiBearerAuth()
@Controller('stream')
export class StreamController {
  constructor(
    private readonly stream: AlertStreamService,
    private readonly shutdown: ShutdownState,
  ) {}

  /**
   * Server-sent events: `alert` (data: the alert as now stored) whenever an
   * alert opens, escalates, is acknowledged or resolves; `reload` when too
   * much changed at once; `ping` every 15 s. Optionally of one business.
   */
  @Sse('alerts')
  @Allow('read')
  @ApiQuery({ name: 'businessId', required: false })
  @ApiOkResponse({ description: 'text/event-stream' })
  alerts(@Query('businessId') businessId?: string): Observable<MessageEvent> {
    const changes = this.stream.messages.pipe(
      filter((m) => m.type === 'reload' || !businessId || m.alert.businessId === businessId),
      map((m): MessageEvent =>
        m.type === 'alert'
          ? { type: 'alert', id: `${m.alert.id}:${m.alert.lastSeenAt.getTime()}`, data: m.alert }
          : { type: 'reload', data: {} },
      ),
    );
    // Ends with the api's shutdown (the browser's EventSource reconnects to another replica or to the restarted one).
    return merge(changes, interval(PING_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })))).pipe(
      takeUntil(this.shutdown.closing),
    );
  }
}
