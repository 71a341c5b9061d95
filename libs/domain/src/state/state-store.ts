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
  /** Writes each entry; `undefined` deletes the key. */
  save(changes: ReadonlyMap<string, unknown>): Promise<void>;
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

/** StateStore in a Map. Values are deep-copied in and out, as a serialising store would. */
export class MemoryStateStore implements StateStore {
  private readonly data = new Map<string, string>();

  async load(keys: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (const k of keys) {
      const v = this.data.get(k);
      if (v !== undefined) out.set(k, JSON.parse(v));
    }
    return out;
  }

  async save(changes: ReadonlyMap<string, unknown>): Promise<void> {
    for (const [k, v] of changes) {
      if (v === undefined) this.data.delete(k);
      else this.data.set(k, JSON.stringify(v));
    }
  }

  get size(): number {
    return this.data.size;
  }
}

/** Key of one rule version's state for one group: `rule:<id>@<version>:<group key JSON>`. */
export function stateKey(ruleId: string, version: number, groupKey: Record<string, unknown>): string {
  const canonical = Object.keys(groupKey)
    .sort()
    .map((k) => [k, groupKey[k]]);
  return `rule:${ruleId}@${version}:${JSON.stringify(canonical)}`;
}
