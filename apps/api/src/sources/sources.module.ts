import { Module } from '@nestjs/common';
import { BusinessDefModule } from '../business-def/business-def.module';
import { AuthModule } from '../auth/auth.module';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

@Module({ imports: [BusinessDefModule, AuthModule], controllers: [SourcesController], providers: [SourcesService] })
export class SourcesModule {}
