import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { SilenceState } from '@anom/db';
import { Actor } from '../common/actor.decorator';
import { CreateSilenceDto, ListSilencesQuery } from './dto/silence.dto';
import { SilencesService } from './silences.service';

@ApiTags('silences')
@ApiBearerAuth()
@Controller()
export class SilencesController {
  constructor(private readonly silences: SilencesService) {}

  /**
   * Mutes the notifications of matching alerts (the alerts are still raised and shown) from now or startsAt, until
   * endsAt or for duration.
   */
  @Post('businesses/:businessId/silences')
  @Allow('respond')
  create(@Param('businessId') businessId: string, @Body() dto: CreateSilenceDto, @Actor() actor: string) {
    return this.silences.create(businessId, dto, actor);
  }

  @Get('businesses/:businessId/silences')
  @Allow('read')
  list(@Param('businessId') businessId: string, @Query() q: ListSilencesQuery) {
    return this.silences.list(businessId, q.state ? (q.state.split(',') as SilenceState[]) : undefined);
  }

  @Get('silences/:silenceId')
  @Allow('read')
  get(@Param('silenceId', new ParseUUIDPipe()) id: string) {
    return this.silences.get(id);
  }

  /** Ends the silence now; notifications flow again from the next alert change. */
  @Post('silences/:silenceId/expire')
  @Allow('respond')
  @HttpCode(200)
  expire(@Param('silenceId', new ParseUUIDPipe()) id: string, @Actor() actor: string) {
    return this.silences.expire(id, actor);
  }
}
