import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ListAlertsQuery } from '../../alerts/dto/alert.dto';

export const EVENT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;

export class ExportEventsQuery {
  @ApiPropertyOptional({ description: 'Event time from (inclusive), RFC 3339; the oldest stored event when absent' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Event time to (exclusive), RFC 3339; now when absent' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  to?: string;

  @ApiPropertyOptional({
    enum: EVENT_EXPORT_FORMATS,
    default: 'ndjson',
    description:
      'ndjson: one event per line as a client sends it (payload plus `_id`), which `anom replay` reads back; ' +
      'csv: `_id`, `event_time`, `received_at`, `entity_key`, then one column per field',
  })
  @IsOptional()
  @IsIn(EVENT_EXPORT_FORMATS as unknown as string[], { message: `must be one of ${EVENT_EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EVENT_EXPORT_FORMATS)[number];
}

/** The alerts list's filters (limit and cursor are ignored: the export holds every matching alert). */
export class ExportAlertsQuery extends ListAlertsQuery {
  @ApiPropertyOptional({ enum: ['csv'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv'], { message: 'must be csv' })
  format?: 'csv';
}

export class ListArchivesQuery {
  @ApiPropertyOptional({ description: 'Files holding events at or after (RFC 3339)' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'must be an RFC 3339 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Files holding events before (RFC 3339)' })
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
}
