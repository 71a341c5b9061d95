import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

@Module({
  imports: [BusinessDefModule],
  controllers: [RulesController],
  providers: [RulesService],
  exports: [RulesService],
})
export class RulesModule {}
