import { MemoryStateStore, stateKey } from './state-store';

describe('MemoryStateStore', () => {
  it('loads what was saved, copies values, and deletes on undefined', async () => {
    const store = new MemoryStateStore();
    const value = { count: 1, times: [1] };
    await store.save(new Map([['a', value]]));
    value.count = 99;
    const loaded = await store.load(['a', 'b']);
    expect([...loaded]).toEqual([['a', { count: 1, times: [1] }]]);
    await store.save(new Map([['a', undefined]]));
    expect((await store.load(['a'])).size).toBe(0);
  });

  it('keys state by rule version and a canonical group key', () => {
    expect(stateKey('r', 2, { b: 1, a: 'x' })).toBe(stateKey('r', 2, { a: 'x', b: 1 }));
    expect(stateKey('r', 2, { a: 'x' })).not.toBe(stateKey('r', 3, { a: 'x' }));
  });
});
