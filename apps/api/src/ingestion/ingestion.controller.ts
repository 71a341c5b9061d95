import { Allow } from '../auth/permission.decorator';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ListEventsQuery } from './dto/events.dto';
import { IngestionService } from './ingestion.service';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller()
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  /**
   * Accepts one event, an array, NDJSON, or a FHIR R4 Bundle/Observation of vitals (businesses with LOINC-coded
   * fields; `application/fhir+json` or JSON); 202 once the batch is durable.
   */
  @Post('ingest/:businessId')
  @Allow('ingest')
  @HttpCode(202)
  @ApiConsumes('application/json', 'application/x-ndjson', 'application/fhir+json')
  @ApiBody({ schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] } })
  ingest(@Param('businessId') businessId: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    // FHIR (application/fhir+json, or a Bundle/Observation sent to a business with LOINC-coded fields): errors
    // then answer as OperationOutcome.
    const fhirMedia = String(req.headers['content-type'] ?? '').startsWith('application/fhir+json');
    const markFhir = () => ((req as FastifyRequest & { fhir?: boolean }).fhir = true);
    if (fhirMedia) markFhir();
    // Ingest-only credentials (source tokens, ingest keys) may not write history older than retention.
    return this.ingestion.ingest(businessId, body, String(req.id), !req.principal?.permissions.has('edit'), {
      fhirMedia,
      onFhir: markFhir,
    });
  }

  /** Whether a batch has been evaluated (`pending` or `done`). */
  @Get('ingest/:businessId/batches/:batchId')
  @Allow('ingest')
  batch(@Param('businessId') businessId: string, @Param('batchId', new ParseUUIDPipe()) batchId: string) {
    return this.ingestion.batch(businessId, batchId);
  }

  @Get('businesses/:businessId/events')
  @Allow('read')
  list(@Param('businessId') businessId: string, @Query() q: ListEventsQuery) {
    return this.ingestion.listEvents(businessId, q);
  }
}
