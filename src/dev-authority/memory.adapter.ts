/*
 * oidc-provider's storage, in memory, for the development authority. It is what the provider's
 * built-in fallback does, declared on purpose: the server is throw-away by design (tokens are
 * self-contained JWTs; a restart only invalidates them), so the provider's warning about its
 * development-only adapter would be noise on every `npm start`.
 */
type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string };

export class MemoryAdapter {
  private static readonly stores = new Map<string, Map<string, Payload>>();
  private readonly store: Map<string, Payload>;

  constructor(name: string) {
    const stores = MemoryAdapter.stores;
    this.store = stores.get(name) ?? stores.set(name, new Map()).get(name)!;
  }

  upsert(id: string, payload: Payload): Promise<void> {
    this.store.set(id, payload);
    return Promise.resolve();
  }

  find(id: string): Promise<Payload | undefined> {
    return Promise.resolve(this.store.get(id));
  }

  findByUserCode(userCode: string): Promise<Payload | undefined> {
    return Promise.resolve([...this.store.values()].find((p) => p.userCode === userCode));
  }

  findByUid(uid: string): Promise<Payload | undefined> {
    return Promise.resolve([...this.store.values()].find((p) => p.uid === uid));
  }

  consume(id: string): Promise<void> {
    const payload = this.store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.store.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, payload] of this.store) if (payload.grantId === grantId) this.store.delete(id);
    return Promise.resolve();
  }
}
