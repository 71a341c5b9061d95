import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { RULE_KINDS, SEVERITIES } from '@anom/contracts';

/**
 * The rule body (DESIGN.md "Rules are data"). Shapes are checked here; the
 * meaning (CEL against the schema, kind-specific options, durations) is
 * checked by `parseRuleDefinition` in libs/domain, which names each problem.
 */
export class RuleBodyDto {
  @ApiPropertyOptional({ example: 'Tachycardia at rest' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ enum: RULE_KINDS })
  @IsOptional()
  @IsString()
  kind?: string;

  @ApiPropertyOptional({
    example: 'heart_rate > 100 && activity_level < 10',
    description: 'CEL condition over the business fields',
  })
  @IsOptional()
  @IsString()
  condition?: string;

  @ApiPropertyOptional({ type: [String], example: ['user_id'] })
  @IsOptional()
  @IsArray()
  groupBy?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `must be one of ${SEVERITIES.join(', ')}` })
  severity?: string;

  @ApiPropertyOptional({ example: [{ when: 'heart_rate > 130', severity: 'critical' }] })
  @IsOptional()
  @IsArray()
  escalations?: { when: string; severity: string }[];

  @ApiPropertyOptional({ example: '10m' })
  @IsOptional()
  @IsString()
  cooldown?: string;

  @ApiPropertyOptional({ example: '2m' })
  @IsOptional()
  @IsString()
  resolveAfter?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    example: '1m',
    description:
      'How much older than the newest event of a group an event may be and still be evaluated (stateful kinds)',
  })
  @IsOptional()
  @IsString()
  allowedLateness?: string;

  @ApiPropertyOptional({
    example: 20000,
    description:
      'stateful kinds: groups tracked at most (default 20000); events of new groups past it are not evaluated by ' +
      'the rule, counted, and raise one "group limit reached" alert',
  })
  @IsOptional()
  @IsNumber()
  maxGroups?: number;

  @ApiPropertyOptional({
    example: '7d',
    description:
      'stateful kinds: forget a group untouched this long (default: ten times the window, at least 1h; 7d for ' +
      'absence; 30d for baseline)',
  })
  @IsOptional()
  @IsString()
  forgetAfter?: string;

  @ApiPropertyOptional({ example: 5, description: 'sequence: consecutive matches that fire' })
  @IsOptional()
  @IsNumber()
  minCount?: number;

  @ApiPropertyOptional({ example: '5m', description: 'sequence: span the last minCount matches must fit in' })
  @IsOptional()
  @IsString()
  within?: string;

  @ApiPropertyOptional({ example: '3m', description: 'aggregate: sliding window; absence: silence that fires' })
  @IsOptional()
  @IsString()
  window?: string;

  @ApiPropertyOptional({
    enum: ['day', 'week', 'month'],
    description: 'aggregate: calendar period in the business time zone',
  })
  @IsOptional()
  @IsString()
  period?: string;

  @ApiPropertyOptional({
    example: { fn: 'count' },
    description: 'aggregate: { fn: count|sum|avg|min|max|count_distinct|p50|p90|p95|p99, field? }',
  })
  @IsOptional()
  @IsObject()
  aggregate?: { fn: string; field?: string };

  @ApiPropertyOptional({ enum: ['>', '>=', '<', '<=', '==', '!='] })
  @IsOptional()
  @IsString()
  op?: string;

  @ApiPropertyOptional({ example: 20 })
  @IsOptional()
  @IsNumber()
  threshold?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['SFTP-BANK-A'],
    description: 'absence: group values expected to report',
  })
  @IsOptional()
  @IsArray()
  expectedGroups?: string[];

  @ApiPropertyOptional({ example: 'cpu_percent', description: 'baseline: the number field judged against its band' })
  @IsOptional()
  @IsString()
  field?: string;

  @ApiPropertyOptional({
    example: 3.5,
    description: 'baseline: robust z-score (median ± sensitivity × 1.4826 × MAD) beyond which a value is anomalous',
  })
  @IsOptional()
  @IsNumber()
  sensitivity?: number;

  @ApiPropertyOptional({ enum: ['both', 'above', 'below'], description: 'baseline: which side of the band counts' })
  @IsOptional()
  @IsString()
  direction?: string;

  @ApiPropertyOptional({
    enum: ['none', 'hour_of_day', 'day_of_week', 'auto'],
    description:
      'baseline: a band per hour of day or day of week, or auto: a learnt daily profile, used for groups whose ' +
      'daily shape explains most of their variation',
  })
  @IsOptional()
  @IsString()
  seasonality?: string;

  @ApiPropertyOptional({ example: 500, description: 'baseline: values remembered per group' })
  @IsOptional()
  @IsNumber()
  historySize?: number;

  @ApiPropertyOptional({ example: 30, description: 'baseline: values a group needs before it is judged' })
  @IsOptional()
  @IsNumber()
  minHistory?: number;

  @ApiPropertyOptional({
    default: false,
    description:
      'baseline: only values beyond every value of the history (new highs or lows, by more than a chance record ' +
      "would: 1 / H_m of the old extreme's distance from the median, m the values beyond the median on its side; " +
      '0.15 for 1000 continuous values) count',
  })
  @IsOptional()
  @IsBoolean()
  newExtremesOnly?: boolean;

  @ApiPropertyOptional({
    example: 12,
    description:
      'baseline: also judge the mean of the last this many values against the history of such means (a level ' +
      'shift inside the range of single values); 2-100, at most half of historySize',
  })
  @IsOptional()
  @IsNumber()
  meanWindow?: number;

  @ApiPropertyOptional({
    example: 24,
    description:
      'baseline: also judge the mean absolute change between consecutive values over the last this many values ' +
      '(noise or spikes growing denser, or a signal going quiet), on both sides; 2-100, at most half of historySize',
  })
  @IsOptional()
  @IsNumber()
  volatilityWindow?: number;
}

export class BacktestDto {
  @ApiPropertyOptional({
    description: 'The rule body, as POST /businesses/:businessId/rules takes it (need not be saved)',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => RuleBodyDto)
  rule!: RuleBodyDto;

  @ApiPropertyOptional({ description: 'Event time from (inclusive), RFC 3339; default: 7 days before `to`' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Event time to (exclusive), RFC 3339; default: now' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  to?: string;
}
