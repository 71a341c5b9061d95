import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { commaList } from '../../common/query-list';
import { ArrayMaxSize, IsDateString, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';

export class ListEventsQuery {
  @ApiPropertyOptional({ description: 'Event time from (inclusive), RFC 3339' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Event time to (exclusive), RFC 3339' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  to?: string;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Entity key: the entity-key field values joined by |' })
  @IsOptional()
  @IsString()
  entity?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  cursor?: string;

  @ApiPropertyOptional({ description: 'Comma-separated event ids (at most 100), e.g. the events of an alert' })
  @IsOptional()
  @Transform(commaList)
  @ArrayMaxSize(100, { message: 'ids may list at most 100 events' })
  @IsUUID('all', { each: true, message: 'each id must be a UUID' })
  ids?: string[];
}
