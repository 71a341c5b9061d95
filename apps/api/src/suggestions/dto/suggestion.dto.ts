import { SUGGESTION_STATUSES } from '@anom/contracts';
import { RuleBodyDto } from '../../rules/dto/rule.dto';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length } from 'class-validator';

export class ListSuggestionsQuery {
  @ApiPropertyOptional({ enum: SUGGESTION_STATUSES })
  @IsOptional()
  @IsIn(SUGGESTION_STATUSES as unknown as string[], {
    message: `status must be one of ${SUGGESTION_STATUSES.join(', ')}`,
  })
  status?: string;
}

export class AcceptSuggestionDto {
  @ApiPropertyOptional({
    description: 'Edits to the suggested rule body (same keys as POST /rules), applied before it is created',
    example: { window: '30m', severity: 'critical' },
    type: () => RuleBodyDto,
  })
  @IsOptional()
  @IsObject()
  rule?: RuleBodyDto;
}

export class RejectSuggestionDto {
  @ApiProperty({ example: 'Bank B files only on weekdays' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}
