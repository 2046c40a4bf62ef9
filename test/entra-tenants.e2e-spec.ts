import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthMessages } from '../src/auth/core/auth-messages.js';
import { TestAuthority, type TestApp } from '../src/auth/testing/index.js';
import type { HttpAdapterName } from '../src/config/http.settings.js';
import { startApi } from './support/test-api.js';

/*
 * An Entra ID multi-tenant authority, written `.../{tenantid}/v2.0`: its metadata comes from the
 * `common` tenant (whose document names the template as its issuer, as Entra's does), and a
 * token is accepted from any tenant whose issuer fits the template with the token's own `tid`,
 * or only from AUTH_TENANTS when set.
 */

const CONTOSO = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const FABRIKAM = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

describe.each<[HttpAdapterName]>([['express'], ['fastify']])(
  'Entra {tenantid} on %s',
  (adapter) => {
    let entra: TestAuthority;
    let template: string;
    let anyTenant: TestApp;
    let oneTenant: TestApp;

    beforeAll(async () => {
      entra = await TestAuthority.start({ path: '/common/v2.0' });
      template = `${entra.origin}/{tenantid}/v2.0`;
      entra.metadataIssuer = template;
      anyTenant = await startApi({ authority: entra, adapter, auth: { authority: template } });
      oneTenant = await startApi({
        authority: entra,
        adapter,
        auth: { authority: template, tenants: [CONTOSO] },
      });
    });
    afterAll(async () => {
      await anyTenant?.close();
      await oneTenant?.close();
      await entra?.close();
    });

    const issuerOf = (tenant: string) => `${entra.origin}/${tenant}/v2.0`;
    const tokenOf = (tenant: string, tid: unknown = tenant) =>
      entra.mint({ iss: issuerOf(tenant), tid });

    it("accepts any tenant's token whose issuer names its own tid", async () => {
      for (const tenant of [CONTOSO, FABRIKAM]) {
        const res = await anyTenant.withToken(tokenOf(tenant)).get('/api/me');
        expect([res.status, res.body]).toEqual([
          200,
          expect.objectContaining({ issuer: issuerOf(tenant) }),
        ]);
      }
    });

    it('refuses an issuer whose tenant is not the token tid', async () => {
      expect(await anyTenant.withToken(tokenOf(CONTOSO, FABRIKAM)).get('/api/me')).toBeUnauthorized(
        'invalid_token',
        AuthMessages.tenantMismatch(issuerOf(CONTOSO), FABRIKAM),
      );
    });

    it('accepts only the listed tenants when AUTH_TENANTS is set', async () => {
      expect((await oneTenant.withToken(tokenOf(CONTOSO)).get('/api/me')).status).toBe(200);
      expect(await oneTenant.withToken(tokenOf(FABRIKAM)).get('/api/me')).toBeUnauthorized(
        'invalid_token',
        AuthMessages.tenantNotAccepted(FABRIKAM),
      );
    });

    it('never takes the template itself, or a tenant that is not a tenant id, as an issuer', async () => {
      for (const iss of [template, issuerOf('common'), issuerOf('organizations')]) {
        expect(
          await anyTenant.withToken(entra.mint({ iss, tid: 'common' })).get('/api/me'),
        ).toBeUnauthorized('invalid_token', AuthMessages.wrongIssuer(iss, template));
      }
    });
  },
);
