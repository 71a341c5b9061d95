import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditRepository } from '@anom/db';
import { Actor } from '../common/actor.decorator';
import { AuditQueryDto, CreateApiKeyDto, CreateUserDto, UpdateUserDto } from './dto/auth.dto';
import { Allow } from './permission.decorator';
import { UsersService } from './users.service';

const AUDIT_PAGE = 100;

/** Users, API keys and the audit log: the admin's part of the api. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditRepository,
  ) {}

  @Post('users')
  @Allow('admin')
  create(@Body() dto: CreateUserDto, @Actor() actor: string) {
    return this.users.create(dto, actor);
  }

  @Get('users')
  @Allow('admin')
  list() {
    return this.users.list();
  }

  @Get('users/:userId')
  @Allow('admin')
  get(@Param('userId', new ParseUUIDPipe()) id: string) {
    return this.users.get(id);
  }

  /** Changes name, role, password or disabled; a role, password or disable change ends the person's sessions. */
  @Patch('users/:userId')
  @Allow('admin')
  update(@Param('userId', new ParseUUIDPipe()) id: string, @Body() dto: UpdateUserDto, @Actor() actor: string) {
    return this.users.update(id, dto, actor);
  }

  /** Creates an API key; `token` is shown in this answer only. */
  @Post('api-keys')
  @Allow('admin')
  createKey(@Body() dto: CreateApiKeyDto, @Actor() actor: string) {
    return this.users.createKey(dto, actor);
  }

  @Get('api-keys')
  @Allow('admin')
  listKeys() {
    return this.users.listKeys();
  }

  @Delete('api-keys/:keyId')
  @Allow('admin')
  revokeKey(@Param('keyId', new ParseUUIDPipe()) id: string, @Actor() actor: string) {
    return this.users.revokeKey(id, actor);
  }

  /**
   * The audit log, newest first: who changed what and when, with the before
   * and after images. Filters combine with AND; page with `cursor`.
   */
  @Get('audit')
  @Allow('admin')
  async auditLog(@Query() q: AuditQueryDto) {
    const limit = q.limit ?? AUDIT_PAGE;
    const items = await this.audit.search({
      actor: q.actor,
      action: q.action,
      entityType: q.entityType,
      entityId: q.entityId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      beforeId: q.cursor ? Number(q.cursor) : undefined,
      limit,
    });
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1]!.id) : null };
  }
}
