import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { ALERT_STATUSES, SEVERITIES } from '@anom/contracts';

import { commaList } from '../../common/query-list';

export class ListAlertsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  businessId?: string;

  @ApiPropertyOptional({ type: String, description: 'Comma-separated: open,acknowledged,resolved' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(ALERT_STATUSES as unknown as string[], {
    each: true,
    message: `each status must be one of ${ALERT_STATUSES.join(', ')}`,
  })
  status?: string[];

  @ApiPropertyOptional({ type: String, description: 'Comma-separated severities' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(SEVERITIES as unknown as string[], {
    each: true,
    message: `each severity must be one of ${SEVERITIES.join(', ')}`,
  })
  severity?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  ruleId?: string;

  @ApiPropertyOptional({ description: 'First seen at or after (ISO time)' })
  @IsOptional()
  @IsDateString({}, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'First seen before (ISO time)' })
  @IsOptional()
  @IsDateString({}, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class GetAlertQuery {
  @ApiPropertyOptional({ type: String, description: 'Comma-separated: events (the events involved, up to 100)' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(['events'], { each: true, message: 'each include must be events' })
  include?: 'events'[];
}

export class AlertNoteDto {
  @ApiPropertyOptional({ example: 'Called the patient; sensor was loose.' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class BulkAcknowledgeDto {
  @ApiProperty({ type: [String], description: 'Alert ids (1 to 500)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'each id must be a UUID' })
  ids!: string[];

  @ApiPropertyOptional({ example: 'Known maintenance window' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}
