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
  create(@Param('businessId') businessId: string, @Body() dto: CreateChannelDto, @Actor() actor: string) {
    return this.channels.create(businessId, dto, actor);
  }

  @Get('businesses/:businessId/channels')
  list(@Param('businessId') businessId: string) {
    return this.channels.list(businessId);
  }

  @Get('channels/:channelId')
  get(@Param('channelId', new ParseUUIDPipe()) channelId: string) {
    return this.channels.get(channelId);
  }

  @Patch('channels/:channelId')
  update(
    @Param('channelId', new ParseUUIDPipe()) channelId: string,
    @Body() dto: UpdateChannelDto,
    @Actor() actor: string,
  ) {
    return this.channels.update(channelId, dto, actor);
  }

  @Delete('channels/:channelId')
  remove(@Param('channelId', new ParseUUIDPipe()) channelId: string, @Actor() actor: string) {
    return this.channels.remove(channelId, actor);
  }
}
