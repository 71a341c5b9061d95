import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { RulesModule } from '../rules/rules.module';
import { SuggestionsController } from './suggestions.controller';
import { SuggestionsService } from './suggestions.service';

@Module({
  imports: [BusinessDefModule, RulesModule],
  controllers: [SuggestionsController],
  providers: [SuggestionsService],
})
export class SuggestionsModule {}
