import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { SilencesController } from './silences.controller';
import { SilencesService } from './silences.service';

@Module({
  imports: [BusinessDefModule],
  controllers: [SilencesController],
  providers: [SilencesService],
  exports: [SilencesService],
})
export class SilencesModule {}
