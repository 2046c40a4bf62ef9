import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/index.js';

@Public()
@Controller('health')
export class HealthController {
  /** Liveness: the process answers. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
