import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
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

  @ApiPropertyOptional({ example: 'heart_rate > 100 && activity_level < 10', description: 'CEL condition over the business fields' })
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
}
