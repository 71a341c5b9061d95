import { Module } from '@nestjs/common';
import { AlertStreamService } from './alert-stream.service';
import { StreamController } from './stream.controller';

@Module({ controllers: [StreamController], providers: [AlertStreamService] })
export class StreamModule {}
