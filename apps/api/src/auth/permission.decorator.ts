import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@anom/contracts';

export const PERMISSION_KEY = 'anom:permission';

/** What a route needs: a permission, or `public` (no credential: health, sign-in). */
export type RoutePolicy = Permission | 'public';

/**
 * Declares the route's access policy, enforced by AuthGuard and published in
 * the OpenAPI document as `x-anom-permission` (the role-matrix test reads it).
 * A route without one is refused for everyone: policies are decided, not
 * defaulted.
 */
export const Allow = (policy: RoutePolicy) =>
  applyDecorators(SetMetadata(PERMISSION_KEY, policy), ApiExtension('x-anom-permission', policy));
