import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { CreateSourceDto } from './dto/source.dto';
import { SourcesService } from './sources.service';

@ApiTags('sources')
@ApiBearerAuth()
@Controller('businesses/:businessId/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  @Allow('admin')
  create(@Param('businessId') businessId: string, @Body() dto: CreateSourceDto, @Actor() actor: string) {
    return this.sources.create(businessId, dto.name, actor);
  }

  @Get()
  @Allow('read')
  list(@Param('businessId') businessId: string) {
    return this.sources.list(businessId);
  }

  @Delete(':sourceId')
  @Allow('admin')
  revoke(
    @Param('businessId') businessId: string,
    @Param('sourceId', new ParseUUIDPipe()) sourceId: string,
    @Actor() actor: string,
  ) {
    return this.sources.revoke(businessId, sourceId, actor);
  }
}
