import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { CreateViewDto, SeriesQuery, UpdateViewDto } from './dto/view.dto';
import { ViewsService } from './views.service';

@ApiTags('views')
@ApiBearerAuth()
@Controller()
export class ViewsController {
  constructor(private readonly views: ViewsService) {}

  @Post('businesses/:businessId/views')
  @Allow('edit')
  create(@Param('businessId') businessId: string, @Body() dto: CreateViewDto, @Actor() actor: string) {
    return this.views.create(businessId, dto, actor);
  }

  @Get('businesses/:businessId/views')
  @Allow('read')
  list(@Param('businessId') businessId: string) {
    return this.views.list(businessId);
  }

  /** Time-bucketed aggregation of one field (a panel's data), with alert markers. */
  @Get('businesses/:businessId/series')
  @Allow('read')
  series(@Param('businessId') businessId: string, @Query() q: SeriesQuery) {
    return this.views.series(businessId, q);
  }

  @Get('views/:viewId')
  @Allow('read')
  get(@Param('viewId', new ParseUUIDPipe()) id: string) {
    return this.views.get(id);
  }

  @Patch('views/:viewId')
  @Allow('edit')
  update(@Param('viewId', new ParseUUIDPipe()) id: string, @Body() dto: UpdateViewDto, @Actor() actor: string) {
    return this.views.update(id, dto, actor);
  }

  @Delete('views/:viewId')
  @Allow('edit')
  remove(@Param('viewId', new ParseUUIDPipe()) id: string, @Actor() actor: string) {
    return this.views.remove(id, actor);
  }

  /** Dashboard: every live business with event rate, last event, open alerts by severity and a sparkline. */
  @Get('overview')
  @Allow('read')
  overview() {
    return this.views.overview();
  }
}
