/**
 * Window state of stateful rules (sequence runs, aggregate windows, last-seen
 * times), keyed by rule version and group. Loaded for a whole batch at once
 * and saved at once, so a Redis implementation costs one round trip each way.
 * The same evaluator code runs against the in-memory store (tests, backtests,
 * the CLI) and the Redis store (the worker).
 */
export interface StateStore {
  /** States of `keys`; a key never saved (or deleted) is absent from the map. */
  load(keys: readonly string[]): Promise<Map<string, unknown>>;
  /**
   * Writes each entry (`undefined` deletes the key), then applies `index`
   * changes to the sorted indexes (member -> score; null removes the member).
   */
  save(changes: ReadonlyMap<string, unknown>, index?: IndexChanges): Promise<void>;
  /** Members in each index (0 for an index never written). */
  counts(indexes: readonly string[]): Promise<Map<string, number>>;
  /** Members of `index` whose score is at most `maxScore`, lowest score first, at most `limit`. */
  range(index: string, maxScore: number, limit: number): Promise<string[]>;
  /**
   * Forgets idle groups: the members of `index` scored at most `maxScore`
   * (at most `limit` of them) are removed from it and from `alsoFrom`, and
   * the state keys they name are deleted. Returns how many were forgotten.
   */
  forget(index: string, maxScore: number, limit: number, alsoFrom: readonly string[]): Promise<number>;
}

/**
 * Changes to sorted indexes kept beside the state: index name -> member ->
 * score (a number; epoch ms in every index the engine keeps) or null to
 * remove the member. The engine keeps two per stateful rule version:
 * `groupsIndex` (every tracked group's state key, scored by when it was last
 * touched, wall-clock ms: counts groups for `maxGroups` and finds idle ones
 * for `forgetAfter`) and, for absence rules, `dueIndex` (state keys of the
 * groups not yet alerted, scored by when their silence reaches the window,
 * event-time ms: what a tick has to judge).
 */
export type IndexChanges = Map<string, Map<string, number | null>>;

/** Adds `member -> score` (or its removal) to `changes`, the last write winning. */
export function indexChange(changes: IndexChanges, index: string, member: string, score: number | null): void {
  let m = changes.get(index);
  if (!m) changes.set(index, (m = new Map()));
  m.set(member, score);
}

/**
 * A state a store loaded as JSON text, parsed only when asked. A store may
 * hand out a VersionedState's `prev` and `cur` this way: an evaluation parses
 * the one it starts from (a fresh object it may change, no copy needed) and
 * saves it back as `prev` as the same text, never serialising it again. For
 * a large state (a baseline group with a daily profile: tens of KB) parsing,
 * copying and serialising were most of a batch's cost. Serialises as its
 * parsed value (toJSON), so any store can save it.
 */
export class StoredJson {
  constructor(readonly text: string) {}

  /** A fresh object each call. Throws SyntaxError when the text is not JSON. */
  parse(): unknown {
    return JSON.parse(this.text);
  }

  toJSON(): unknown {
    return this.parse();
  }
}

/** `value` itself, or its parsed value when it is StoredJson. */
export function storedValue(value: unknown): unknown {
  return value instanceof StoredJson ? value.parse() : value;
}

/**
 * State and indexes in Maps, synchronous: what backtests and the CLI evaluate
 * against (MemoryStateStore is its async face). Values are deep-copied in
 * and out, as a serialising store would. `range` scans the index: fine for
 * the sizes a backtest holds (bounded by BACKTEST_MAX_EVENTS groups).
 */
export class MemoryState {
  private readonly data = new Map<string, string>();
  private readonly indexes = new Map<string, Map<string, number>>();

  load(keys: readonly string[]): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const k of keys) {
      const v = this.data.get(k);
      if (v !== undefined) out.set(k, JSON.parse(v));
    }
    return out;
  }

  save(changes: ReadonlyMap<string, unknown>, index?: IndexChanges): void {
    for (const [k, v] of changes) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, JSON.stringify(v));
    }
    for (const [name, members] of index ?? []) {
      let ix = this.indexes.get(name);
      if (!ix) this.indexes.set(name, (ix = new Map()));
      for (const [member, score] of members) {
        if (score === null) ix.delete(member);
        else ix.set(member, score);
      }
    }
  }

  counts(indexes: readonly string[]): Map<string, number> {
    return new Map(indexes.map((name) => [name, this.indexes.get(name)?.size ?? 0]));
  }

  range(index: string, maxScore: number, limit: number): string[] {
    const hits: [string, number][] = [];
    for (const [member, score] of this.indexes.get(index) ?? []) if (score <= maxScore) hits.push([member, score]);
    return hits
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([m]) => m);
  }

  forget(index: string, maxScore: number, limit: number, alsoFrom: readonly string[]): number {
    const members = this.range(index, maxScore, limit);
    for (const m of members) {
      this.data.delete(m);
      for (const name of [index, ...alsoFrom]) this.indexes.get(name)?.delete(m);
    }
    return members.length;
  }

  get size(): number {
    return this.data.size;
  }
}

/** StateStore in memory (MemoryState behind the async interface): unit tests, the CLI. */
export class MemoryStateStore implements StateStore {
  readonly state = new MemoryState();

  async load(keys: readonly string[]): Promise<Map<string, unknown>> {
    return this.state.load(keys);
  }

  async save(changes: ReadonlyMap<string, unknown>, index?: IndexChanges): Promise<void> {
    this.state.save(changes, index);
  }

  async counts(indexes: readonly string[]): Promise<Map<string, number>> {
    return this.state.counts(indexes);
  }

  async range(index: string, maxScore: number, limit: number): Promise<string[]> {
    return this.state.range(index, maxScore, limit);
  }

  async forget(index: string, maxScore: number, limit: number, alsoFrom: readonly string[]): Promise<number> {
    return this.state.forget(index, maxScore, limit, alsoFrom);
  }

  get size(): number {
    return this.state.size;
  }
}

/** Key of one rule version's state for one group: `rule:<id>@<version>:<group key JSON>`. */
export function stateKey(ruleId: string, version: number, groupKey: Record<string, unknown>): string {
  const canonical = Object.keys(groupKey)
    .sort()
    .map((k) => [k, groupKey[k]]);
  return `rule:${ruleId}@${version}:${JSON.stringify(canonical)}`;
}
