import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Allow } from '../auth/permission.decorator';
import { DomainError } from '@anom/domain';
import { FhirService } from './fhir.service';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const bundle = { description: 'A FHIR R4 Bundle (type searchset)', schema: { type: 'object' } };

/**
 * HL7 FHIR R4, read-only: the vitals of businesses whose fields carry LOINC
 * codes, as Observations (vital-signs profile), their alerts as
 * DetectedIssues, and the CapabilityStatement. Answers `application/fhir+json`;
 * errors are OperationOutcomes (see ProblemFilter). The query parameters are
 * FHIR's, read raw (repeatable `date`), and checked in FhirService.
 */
@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir/r4')
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  /** The CapabilityStatement: what this FHIR endpoint supports. */
  @Get('metadata')
  @Allow('public')
  @ApiProduces('application/fhir+json')
  @ApiOkResponse({ description: 'CapabilityStatement', schema: { type: 'object' } })
  metadata(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('content-type', FHIR_JSON);
    return this.fhir.capabilityStatement(baseUrl(req));
  }

  @Get('Observation')
  @Allow('read')
  @ApiProduces('application/fhir+json')
  @ApiQuery({ name: 'subject', required: false, description: 'Patient/<entity key> or the entity key' })
  @ApiQuery({ name: 'code', required: false, description: 'LOINC codes, comma-separated' })
  @ApiQuery({ name: 'date', required: false, description: 'repeatable: [eq|ge|gt|le|lt]<date or date-time>' })
  @ApiQuery({ name: '_count', required: false })
  @ApiQuery({ name: '_cursor', required: false, description: 'from the Bundle next link' })
  @ApiOkResponse(bundle)
  searchObservations(
    @Query() q: Record<string, string | string[]>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.header('content-type', FHIR_JSON);
    return this.fhir.searchObservations(
      single(q, ['subject', 'code', '_count', '_cursor']),
      selfUrl(req),
      baseUrl(req),
    );
  }

  @Get('Observation/:id')
  @Allow('read')
  @ApiProduces('application/fhir+json')
  @ApiOkResponse({ description: 'Observation', schema: { type: 'object' } })
  readObservation(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('content-type', FHIR_JSON);
    return this.fhir.readObservation(id);
  }

  @Get('DetectedIssue')
  @Allow('read')
  @ApiProduces('application/fhir+json')
  @ApiQuery({ name: 'patient', required: false, description: 'Patient/<entity key> or the entity key' })
  @ApiQuery({ name: '_count', required: false })
  @ApiQuery({ name: '_cursor', required: false, description: 'from the Bundle next link' })
  @ApiOkResponse(bundle)
  searchDetectedIssues(
    @Query() q: Record<string, string | string[]>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.header('content-type', FHIR_JSON);
    return this.fhir.searchDetectedIssues(single(q, ['patient', '_count', '_cursor']), selfUrl(req), baseUrl(req));
  }

  @Get('DetectedIssue/:id')
  @Allow('read')
  @ApiProduces('application/fhir+json')
  @ApiOkResponse({ description: 'DetectedIssue', schema: { type: 'object' } })
  readDetectedIssue(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('content-type', FHIR_JSON);
    return this.fhir.readDetectedIssue(id);
  }
}

/** The scheme, host and (through the web app's origin) `/api` prefix the client used. */
function baseUrl(req: FastifyRequest): string {
  const prefix = req.originalUrl.startsWith('/api/') ? '/api' : '';
  return `${req.protocol}://${req.host}${prefix}`;
}

function selfUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}${req.originalUrl}`;
}

/**
 * The query with the parameters that may appear once as strings: a repeated
 * one is refused (FHIR ORs repeated `code` values with commas instead);
 * `date` may repeat (an interval is two of them). Unknown parameters are
 * refused, as FHIR's `handling=strict`.
 */
function single(q: Record<string, string | string[]>, once: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(q)) {
    if (k === 'date') out.date = v;
    else if (!once.includes(k))
      throw new DomainError('VALIDATION_FAILED', `unknown search parameter '${k}'`, [
        { pointer: `/query/${k}`, detail: `not supported; this endpoint takes ${[...once, 'date'].join(', ')}` },
      ]);
    else if (Array.isArray(v))
      throw new DomainError('VALIDATION_FAILED', `${k} is given more than once`, [
        { pointer: `/query/${k}`, detail: 'give it once (several codes: comma-separated)' },
      ]);
    else out[k] = v;
  }
  return out;
}
