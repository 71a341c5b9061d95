import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { ChannelsService } from './channels.service';
import { CreateChannelDto, UpdateChannelDto } from './dto/channel.dto';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller()
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  /** A webhook channel's signing secret is in this response only. */
  @Post('businesses/:businessId/channels')
  @Allow('edit')
  create(@Param('businessId') businessId: string, @Body() dto: CreateChannelDto, @Actor() actor: string) {
    return this.channels.create(businessId, dto, actor);
  }

  @Get('businesses/:businessId/channels')
  @Allow('read')
  list(@Param('businessId') businessId: string) {
    return this.channels.list(businessId);
  }

  @Get('channels/:channelId')
  @Allow('read')
  get(@Param('channelId', new ParseUUIDPipe()) channelId: string) {
    return this.channels.get(channelId);
  }

  @Patch('channels/:channelId')
  @Allow('edit')
  update(
    @Param('channelId', new ParseUUIDPipe()) channelId: string,
    @Body() dto: UpdateChannelDto,
    @Actor() actor: string,
  ) {
    return this.channels.update(channelId, dto, actor);
  }

  @Delete('channels/:channelId')
  @Allow('edit')
  remove(@Param('channelId', new ParseUUIDPipe()) channelId: string, @Actor() actor: string) {
    return this.channels.remove(channelId, actor);
  }
}
