import { Controller, Get, Param, ParseUUIDPipe, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/permission.decorator';
import { ExportAlertsQuery, ExportEventsQuery, ListArchivesQuery } from './dto/export.dto';
import { ExportService, type Download } from './export.service';

@ApiTags('export')
@ApiBearerAuth()
@Controller()
export class ExportController {
  constructor(private readonly exports: ExportService) {}

  /** Streams a business's events in [from, to) as NDJSON (replayable with `anom replay`) or CSV. */
  @Get('businesses/:businessId/events/export')
  @Allow('read')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'The events, oldest first', schema: { type: 'string' } })
  async events(
    @Param('businessId') businessId: string,
    @Query() q: ExportEventsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return send(reply, await this.exports.events(businessId, q));
  }

  /** Streams the alerts the list's filters select (every page) as CSV. */
  @Get('alerts/export')
  @Allow('read')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'One row per alert, newest first', schema: { type: 'string' } })
  async alerts(
    @Query() q: ExportAlertsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return send(reply, await this.exports.alertsCsv(q));
  }

  /** The archive files retention wrote for a business (gzip NDJSON), oldest first. */
  @Get('businesses/:businessId/archives')
  @Allow('read')
  archives(@Param('businessId') businessId: string, @Query() q: ListArchivesQuery) {
    return this.exports.listArchives(businessId, q);
  }

  /** One archive file's bytes (gzip NDJSON: `anom replay` reads it). */
  @Get('businesses/:businessId/archives/:archiveId')
  @Allow('read')
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'gzip-compressed NDJSON', schema: { type: 'string', format: 'binary' } })
  async archive(
    @Param('businessId') businessId: string,
    @Param('archiveId', new ParseUUIDPipe()) archiveId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return send(reply, await this.exports.archiveFile(businessId, archiveId));
  }
}

function send(reply: FastifyReply, d: Download): StreamableFile {
  void reply.header('content-type', d.contentType);
  void reply.header('content-disposition', `attachment; filename="${d.filename.replace(/[^\w.-]/g, '_')}"`);
  return new StreamableFile(d.body);
}
