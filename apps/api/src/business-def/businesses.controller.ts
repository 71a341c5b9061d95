import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { BusinessesService } from './businesses.service';
import {
  CreateBusinessDto,
  FieldDto,
  ListBusinessesQuery,
  UpdateBusinessDto,
  UpdateFieldDto,
} from './dto/business.dto';

@ApiTags('businesses')
@ApiBearerAuth()
@Controller('businesses')
export class BusinessesController {
  constructor(private readonly businesses: BusinessesService) {}

  @Post()
  @Allow('edit')
  create(@Body() dto: CreateBusinessDto, @Actor() actor: string) {
    return this.businesses.create(dto, actor);
  }

  @Get()
  @Allow('read')
  list(@Query() q: ListBusinessesQuery) {
    return this.businesses.list(q);
  }

  @Get(':businessId')
  @Allow('read')
  get(@Param('businessId') businessId: string) {
    return this.businesses.get(businessId);
  }

  @Patch(':businessId')
  @Allow('edit')
  update(@Param('businessId') businessId: string, @Body() dto: UpdateBusinessDto, @Actor() actor: string) {
    return this.businesses.update(businessId, dto, actor);
  }

  /** Archives: events and alerts stay readable, ingest stops. */
  @Delete(':businessId')
  @Allow('edit')
  archive(@Param('businessId') businessId: string, @Actor() actor: string) {
    return this.businesses.archive(businessId, actor);
  }

  @Post(':businessId/fields')
  @Allow('edit')
  addField(@Param('businessId') businessId: string, @Body() dto: FieldDto, @Actor() actor: string) {
    return this.businesses.addField(businessId, dto, actor);
  }

  @Patch(':businessId/fields/:name')
  @Allow('edit')
  updateField(
    @Param('businessId') businessId: string,
    @Param('name') name: string,
    @Body() dto: UpdateFieldDto,
    @Actor() actor: string,
  ) {
    return this.businesses.updateField(businessId, name, dto, actor);
  }

  @Delete(':businessId/fields/:name')
  @Allow('edit')
  @HttpCode(200)
  deleteField(@Param('businessId') businessId: string, @Param('name') name: string, @Actor() actor: string) {
    return this.businesses.deleteField(businessId, name, actor);
  }
}
