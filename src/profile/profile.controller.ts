import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/index.js';

export interface ProfileView {
  sub: string;
  scopes: string[];
  roles: string[];
  issuer: string;
  clientId?: string;
  expiresAt: string;
}

/** Any valid access token may call this: no `@Scopes`. */
@Controller('me')
export class ProfileController {
  @Get()
  @ApiOperation({ summary: 'Who the token says you are' })
  me(@CurrentPrincipal() principal: Principal): ProfileView {
    const { sub, scopes, roles, issuer, clientId, expiresAt } = principal;
    return {
      sub,
      scopes: [...scopes],
      roles: [...roles],
      issuer,
      clientId,
      expiresAt: expiresAt.toISOString(),
    };
  }
}
