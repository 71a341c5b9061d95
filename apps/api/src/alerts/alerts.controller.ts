import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { AlertsService } from './alerts.service';
import { AlertNoteDto, BulkAcknowledgeDto, GetAlertQuery, ListAlertsQuery } from './dto/alert.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Allow('read')
  list(@Query() q: ListAlertsQuery) {
    return this.alerts.list(q);
  }

  /** Bulk acknowledge: every open alert of `ids`; the rest are listed in `skipped` with the reason. */
  @Post('acknowledge')
  @Allow('respond')
  @HttpCode(200)
  acknowledgeMany(@Body() dto: BulkAcknowledgeDto, @Actor() actor: string) {
    return this.alerts.acknowledgeMany(dto.ids, actor, dto.note ?? null);
  }

  /** The alert with its history, notifications, silences and event ids; `include=events` adds the events. */
  @Get(':alertId')
  @Allow('read')
  get(@Param('alertId', new ParseUUIDPipe()) alertId: string, @Query() q: GetAlertQuery) {
    return this.alerts.get(alertId, q.include ?? []);
  }

  /**
   * A baseline alert's anomaly scores around it: the group's events replayed with the alert's rule version (409
   * ALERT_NOT_SCORED for other rule kinds).
   */
  @Get(':alertId/scores')
  @Allow('read')
  scores(@Param('alertId', new ParseUUIDPipe()) alertId: string) {
    return this.alerts.scores(alertId);
  }

  @Post(':alertId/acknowledge')
  @Allow('respond')
  @HttpCode(200)
  acknowledge(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @Body() dto: AlertNoteDto,
    @Actor() actor: string,
  ) {
    return this.alerts.acknowledge(alertId, actor, dto.note ?? null);
  }

  @Post(':alertId/resolve')
  @Allow('respond')
  @HttpCode(200)
  resolve(@Param('alertId', new ParseUUIDPipe()) alertId: string, @Body() dto: AlertNoteDto, @Actor() actor: string) {
    return this.alerts.resolve(alertId, actor, dto.note ?? null);
  }
}
