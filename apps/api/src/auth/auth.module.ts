import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { OidcService } from './oidc.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Sign-in, sessions, OIDC, users, API keys and the audit log. AuthService is what the global guard uses. */
@Module({
  controllers: [AuthController, UsersController],
  providers: [AuthService, OidcService, UsersService],
  exports: [AuthService],
})
export class AuthModule {}
