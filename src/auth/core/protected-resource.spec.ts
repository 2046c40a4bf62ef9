import { describe, expect, it } from '@jest/globals';
import {
  protectedResourceMetadata,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
  resourceProblem,
} from './protected-resource.js';

const ENTRA = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('where the RFC 9728 document is (§3.1)', () => {
  it.each([
    ['https://api.example.com', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/', '/.well-known/oauth-protected-resource'],
    ['https://api.example.com/mcp', '/.well-known/oauth-protected-resource/mcp'],
    ['https://api.example.com/v1/mcp/', '/.well-known/oauth-protected-resource/v1/mcp/'],
  ])('%s → %s', (resource, path) => {
    expect(protectedResourceMetadataPath(resource)).toBe(path);
    expect(protectedResourceMetadataUrl(resource)).toBe(`https://api.example.com${path}`);
  });

  it('keeps a port', () => {
    expect(protectedResourceMetadataUrl('https://api.example.com:8443/mcp')).toBe(
      'https://api.example.com:8443/.well-known/oauth-protected-resource/mcp',
    );
  });
});

describe('resourceProblem', () => {
  it.each([
    'https://api.example.com',
    'https://api.example.com/mcp',
    'https://a.example.com/v1.2/x_y~z',
  ])('accepts %s', (resource) => expect(resourceProblem(resource)).toBeUndefined());

  it.each([
    ['api.example.com', 'is not an absolute URL'],
    ['http://api.example.com', 'is not an https URL'],
    ['urn:example:api', 'is not an https URL'],
    ['https://user:pw@api.example.com', 'must have no credentials, query or fragment'],
    ['https://user@api.example.com', 'must have no credentials, query or fragment'],
    ['https://:pw@api.example.com', 'must have no credentials, query or fragment'],
    ['https://api.example.com/?', 'must have no credentials, query or fragment'],
    ['https://api.example.com/#', 'must have no credentials, query or fragment'],
    ['https://api.example.com/:id', 'must have a path of letters, digits and - . _ ~ / only'],
    ['https://api.example.com/a*', 'must have a path of letters, digits and - . _ ~ / only'],
    ['https://api.example.com/a%20b', 'must have a path of letters, digits and - . _ ~ / only'],
    [
      'https://api.example.com/%2e%2e',
      'is not written as URLs are compared (https://api.example.com/)',
    ],
    [
      'https://api.example.com/a/../mcp',
      'is not written as URLs are compared (https://api.example.com/mcp)',
    ],
    ['https://API.example.com', 'is not written as URLs are compared (https://api.example.com/)'],
    [
      'https://api.example.com:443/mcp',
      'is not written as URLs are compared (https://api.example.com/mcp)',
    ],
  ])('refuses %s: %s', (resource, problem) => {
    expect(resourceProblem(resource)).toBe(problem);
  });
});

describe('protectedResourceMetadata', () => {
  const base = { resource: 'https://api.example.com', tenants: [], scopes: [] };

  it('lists the scopes once each, sorted, and header as the only bearer method', () => {
    const doc = protectedResourceMetadata({
      ...base,
      authorities: ['https://idp.example.com/'],
      scopes: ['b', 'a', 'b'],
    });
    expect(doc).toEqual({
      resource: 'https://api.example.com',
      authorization_servers: ['https://idp.example.com/'],
      scopes_supported: ['a', 'b'],
      bearer_methods_supported: ['header'],
    });
  });

  it('links the documentation when there is some (RFC 9728 §2 resource_documentation)', () => {
    const documentation = 'https://api.example.com/docs';
    const doc = protectedResourceMetadata({ ...base, authorities: [], documentation });
    expect(doc.resource_documentation).toBe(documentation);
  });

  it("lists an Entra template's accepted tenants, and leaves out what can't be listed", () => {
    const listed = protectedResourceMetadata({ ...base, authorities: [ENTRA], tenants: [TENANT] });
    expect(listed.authorization_servers).toEqual([
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
    ]);
    const any = protectedResourceMetadata({ ...base, authorities: [ENTRA] });
    expect(any).not.toHaveProperty('authorization_servers');
  });
});
