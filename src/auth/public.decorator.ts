import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from './auth.constants.js';

/**
 * Opens a route (or every route of a controller) to callers without a token. Every other route is
 * protected by the global `JwtAuthGuard`.
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
