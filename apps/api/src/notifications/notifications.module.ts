import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';

@Module({
  imports: [BusinessDefModule],
  controllers: [ChannelsController],
  providers: [ChannelsService],
  exports: [ChannelsService],
})
export class NotificationsModule {}
