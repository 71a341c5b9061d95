import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { AcceptSuggestionDto, ListSuggestionsQuery, RejectSuggestionDto } from './dto/suggestion.dto';
import { SuggestionsService } from './suggestions.service';

@ApiTags('suggestions')
@ApiBearerAuth()
@Controller()
export class SuggestionsController {
  constructor(private readonly suggestions: SuggestionsService) {}

  /** Queues a profiling run of the business's recent history; follow it with GET …/profile/:runId. */
  @Post('businesses/:businessId/profile')
  @Allow('edit')
  @HttpCode(202)
  profile(@Param('businessId') businessId: string, @Actor() actor: string) {
    return this.suggestions.profile(businessId, actor);
  }

  @Get('businesses/:businessId/profile')
  @Allow('read')
  latestRun(@Param('businessId') businessId: string) {
    return this.suggestions.latestRun(businessId);
  }

  @Get('businesses/:businessId/profile/:runId')
  @Allow('read')
  run(@Param('businessId') businessId: string, @Param('runId', new ParseUUIDPipe()) runId: string) {
    return this.suggestions.run(businessId, runId);
  }

  @Get('businesses/:businessId/suggestions')
  @Allow('read')
  list(@Param('businessId') businessId: string, @Query() q: ListSuggestionsQuery) {
    return this.suggestions.list(businessId, q.status);
  }

  @Post('suggestions/:suggestionId/accept')
  @Allow('edit')
  accept(
    @Param('suggestionId', new ParseUUIDPipe()) id: string,
    @Body() dto: AcceptSuggestionDto,
    @Actor() actor: string,
  ) {
    return this.suggestions.accept(id, dto.rule, actor);
  }

  @Post('suggestions/:suggestionId/reject')
  @Allow('edit')
  @HttpCode(200)
  reject(
    @Param('suggestionId', new ParseUUIDPipe()) id: string,
    @Body() dto: RejectSuggestionDto,
    @Actor() actor: string,
  ) {
    return this.suggestions.reject(id, dto.reason, actor);
  }
}
