import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { ViewsController } from './views.controller';
import { ViewsService } from './views.service';

@Module({
  imports: [BusinessDefModule],
  controllers: [ViewsController],
  providers: [ViewsService],
  exports: [ViewsService],
})
export class ViewsModule {}
