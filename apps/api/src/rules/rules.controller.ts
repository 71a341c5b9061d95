import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../common/actor.decorator';
import { BacktestDto, RuleBodyDto } from './dto/rule.dto';
import { RulesService } from './rules.service';

@ApiTags('rules')
@ApiBearerAuth()
@Controller()
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Post('businesses/:businessId/rules')
  @Allow('edit')
  create(@Param('businessId') businessId: string, @Body() body: RuleBodyDto, @Actor() actor: string) {
    return this.rules.create(businessId, body, actor);
  }

  /** What a rule would have raised over recorded history; nothing is saved. */
  @Post('businesses/:businessId/rules/backtest')
  @Allow('edit')
  @HttpCode(200)
  backtest(@Param('businessId') businessId: string, @Body() dto: BacktestDto) {
    return this.rules.backtest(businessId, dto);
  }

  /**
   * Checks a rule body against the schema (the editor's inline validation); nothing is saved. 400 names each bad field.
   */
  @Post('businesses/:businessId/rules/validate')
  @Allow('edit')
  @HttpCode(200)
  validate(@Param('businessId') businessId: string, @Body() body: RuleBodyDto) {
    return this.rules.validate(businessId, body);
  }

  @Get('businesses/:businessId/rules')
  @Allow('read')
  list(@Param('businessId') businessId: string) {
    return this.rules.list(businessId);
  }

  @Get('rules/:ruleId')
  @Allow('read')
  get(@Param('ruleId', new ParseUUIDPipe()) ruleId: string) {
    return this.rules.get(ruleId);
  }

  @Patch('rules/:ruleId')
  @Allow('edit')
  update(@Param('ruleId', new ParseUUIDPipe()) ruleId: string, @Body() body: RuleBodyDto, @Actor() actor: string) {
    return this.rules.update(ruleId, body, actor);
  }

  @Delete('rules/:ruleId')
  @Allow('edit')
  remove(@Param('ruleId', new ParseUUIDPipe()) ruleId: string, @Actor() actor: string) {
    return this.rules.remove(ruleId, actor);
  }
}
