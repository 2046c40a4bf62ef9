import { expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { closeUnclosedTestApps, startTestApp } from '../src/auth/testing/index.js';

@Controller('reports')
class ReportsController {
  @Get() list() {
    return [];
  }
}

it('closes the apps a test file left open, even one still starting, once each', async () => {
  const kept = startTestApp({ controllers: [ReportsController], listen: true });
  const closedByTest = await startTestApp({ controllers: [ReportsController] });
  await closedByTest.close();

  // `kept` is still starting: the closer waits for it, then closes it; `closedByTest` is not
  // closed twice.
  expect(await closeUnclosedTestApps()).toBe(1);
  const { url } = await kept;
  await expect(fetch(`${url}/reports`)).rejects.toThrow();
  expect(await closeUnclosedTestApps()).toBe(0);
  // Closing again, as a file's own afterAll would: a no-op.
  await expect(closedByTest.close()).resolves.toBeUndefined();
});
