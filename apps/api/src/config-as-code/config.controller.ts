import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { stringify } from 'yaml';
import { CONFIG_JSON_SCHEMA, CONFIG_SCHEMA_PATH } from '@anom/contracts';
import { Allow } from '../auth/permission.decorator';
import { Actor } from '../common/actor.decorator';
import { ConfigService } from './config.service';
import { ApplyConfigQuery, ExportConfigQuery } from './dto/config.dto';

@ApiTags('config')
@ApiBearerAuth()
@Controller()
export class ConfigController {
  constructor(private readonly config: ConfigService) {}

  /** Businesses, fields, rules, views, channels (secrets as ${ENV} references) and silences as one document. */
  @Get('config/export')
  @Allow('read')
  @ApiProduces('application/json', 'application/yaml')
  @ApiOkResponse({ description: `A document of ${CONFIG_SCHEMA_PATH}`, schema: { type: 'object' } })
  async export(@Query() q: ExportConfigQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const doc = await this.config.export(q.businessId ?? []);
    if (q.format !== 'yaml') return doc;
    void reply.header('content-type', 'application/yaml; charset=utf-8');
    void reply.header('content-disposition', 'attachment; filename="anom.yaml"');
    return `# yaml-language-server: $schema=${CONFIG_SCHEMA_PATH}\n${stringify(doc, { lineWidth: 0 })}`;
  }

  /** Applies a document by id (create, update, with `prune` delete); returns the plan, with diffs and backtests. */
  @Post('config/apply')
  @Allow('edit')
  @HttpCode(200)
  @ApiBody({ schema: { type: 'object', description: `A document of ${CONFIG_SCHEMA_PATH}` } })
  apply(@Query() q: ApplyConfigQuery, @Body() body: unknown, @Actor() actor: string) {
    return this.config.apply(body, { dryRun: q.dryRun ?? false, prune: q.prune ?? false, actor });
  }

  /** The JSON Schema of the rules-as-code document, for editors and CI checks. */
  @Get(CONFIG_SCHEMA_PATH.slice(1))
  @Allow('public')
  @ApiOkResponse({ description: 'JSON Schema (draft 2020-12)', schema: { type: 'object' } })
  schema() {
    return CONFIG_JSON_SCHEMA;
  }
}
