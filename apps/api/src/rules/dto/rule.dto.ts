import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
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
import {
  RULE_KINDS,
  RULE_OPTIONS,
  SEVERITIES,
  type RuleOptionKey,
  type RuleOptionSpec,
  type RuleOptionType,
  type Severity,
} from '@anom/contracts';

/** An escalation of a rule body (its meaning is checked by the domain parser, which names each problem). */
export class EscalationDto {
  @ApiProperty({ example: 'heart_rate > 130' })
  when!: string;

  @ApiProperty({ enum: SEVERITIES })
  severity!: Severity;
}

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
    description: 'CEL condition over the business fields (null: every event, for aggregate, absence and baseline)',
    type: String,
    nullable: true,
  })
  @IsOptional()
  @IsString()
  condition?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['user_id'] })
  @IsOptional()
  @IsArray()
  groupBy?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES as unknown as string[], { message: `must be one of ${SEVERITIES.join(', ')}` })
  severity?: string;

  @ApiPropertyOptional({ type: [EscalationDto], example: [{ when: 'heart_rate > 130', severity: 'critical' }] })
  @IsOptional()
  @IsArray()
  escalations?: EscalationDto[];

  @ApiPropertyOptional({ example: '10m', type: String, nullable: true })
  @IsOptional()
  @IsString()
  cooldown?: string | null;

  @ApiPropertyOptional({ example: '2m', type: String, nullable: true })
  @IsOptional()
  @IsString()
  resolveAfter?: string | null;

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
    type: String,
    nullable: true,
  })
  @IsOptional()
  @IsString()
  forgetAfter?: string | null;
}

// The kind options (minCount, window, aggregate, field, …) are declared once, in @anom/contracts RULE_OPTIONS:
// each gets its OpenAPI description and its shape check here from that table.
const OPTION_TYPES = { string: String, number: Number, boolean: Boolean, 'string[]': [String], object: Object };

/** The OpenAPI schema of an `object` option from its properties (all strings). */
function objectSchema(spec: RuleOptionSpec): ApiPropertyOptions {
  const entries = Object.entries(spec.properties ?? {});
  return {
    type: 'object',
    properties: Object.fromEntries(
      entries.map(([name, p]) => [name, { type: 'string', ...(p.enum ? { enum: [...p.enum] } : {}) }]),
    ),
    required: entries.filter(([, p]) => p.required).map(([name]) => name),
  } as ApiPropertyOptions;
}

for (const [key, spec] of Object.entries(RULE_OPTIONS) as [RuleOptionKey, RuleOptionSpec][]) {
  const shape: Record<RuleOptionType, PropertyDecorator> = {
    string: IsString(),
    number: IsNumber(),
    boolean: IsBoolean(),
    'string[]': IsArray(),
    object: IsObject(),
  };
  const doc = {
    description: spec.description,
    // null, like absent, leaves the option to its default (a PATCH clears it so).
    nullable: true,
    ...(spec.example !== undefined ? { example: spec.example } : {}),
    ...(spec.enum ? { enum: [...spec.enum] } : {}),
    // No declared property to read the type from: give it.
    ...(spec.type === 'object' ? objectSchema(spec) : { type: OPTION_TYPES[spec.type] }),
  };
  for (const decorate of [ApiPropertyOptional(doc as ApiPropertyOptions), IsOptional(), shape[spec.type]])
    decorate(RuleBodyDto.prototype, key);
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
