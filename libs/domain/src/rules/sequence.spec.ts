import { stepSequence, type SequenceConfig, type SequenceSignal, type SequenceState } from './sequence';

// The definition of `sequence`, as a table: a group's events in arrival order
// (minute of event time, condition held?) and what the rule says after each.
const MIN = 60_000;

function run(config: SequenceConfig, events: [number, boolean][]): string[] {
  let state: SequenceState | undefined;
  const out: string[] = [];
  events.forEach(([minute, matches], i) => {
    const r = stepSequence(config, state, { id: `e${i}`, t: minute * MIN, values: {}, matches });
    state = r.state;
    out.push(r.signals.map(summarize).join(',') || '-');
  });
  return out;
}

function summarize(s: SequenceSignal): string {
  if (s.type === 'match') return `match[${s.samples.map((x) => x.id).join(' ')}]#${s.runLength}`;
  if (s.type === 'episode-end') return 'end';
  return `late ${s.id}`;
}

const three: SequenceConfig = { minCount: 3, withinMs: null, allowedLatenessMs: 5 * MIN };
const threeIn5m: SequenceConfig = { minCount: 3, withinMs: 5 * MIN, allowedLatenessMs: 5 * MIN };

describe('sequence: N or more consecutive matches per group', () => {
  it.each<[string, SequenceConfig, [number, boolean][], string[]]>([
    [
      'fires on the Nth consecutive match, with the N events',
      three,
      [
        [0, true],
        [1, true],
        [2, true],
      ],
      ['-', '-', 'match[e0 e1 e2]#3'],
    ],
    [
      'does not fire on N-1',
      three,
      [
        [0, true],
        [1, true],
        [2, false],
      ],
      ['-', '-', '-'],
    ],
    [
      'a break restarts the count',
      three,
      [
        [0, true],
        [1, true],
        [2, false],
        [3, true],
        [4, true],
        [5, true],
      ],
      ['-', '-', '-', '-', '-', 'match[e3 e4 e5]#3'],
    ],
    [
      'further matches join the episode one by one',
      three,
      [
        [0, true],
        [1, true],
        [2, true],
        [3, true],
        [4, true],
      ],
      ['-', '-', 'match[e0 e1 e2]#3', 'match[e3]#4', 'match[e4]#5'],
    ],
    [
      'the breaking event ends a fired episode',
      three,
      [
        [0, true],
        [1, true],
        [2, true],
        [3, false],
      ],
      ['-', '-', 'match[e0 e1 e2]#3', 'end'],
    ],
    [
      'a break before firing ends nothing',
      three,
      [
        [0, true],
        [1, false],
      ],
      ['-', '-'],
    ],
    [
      'a new run after an episode is a new episode',
      three,
      [
        [0, true],
        [1, true],
        [2, true],
        [3, false],
        [4, true],
        [5, true],
        [6, true],
      ],
      ['-', '-', 'match[e0 e1 e2]#3', 'end', '-', '-', 'match[e4 e5 e6]#3'],
    ],
    [
      'within: N matches spread wider than the span do not fire',
      threeIn5m,
      [
        [0, true],
        [3, true],
        [6, true],
      ],
      ['-', '-', '-'],
    ],
    [
      'within: the oldest slide out until N fit the span',
      threeIn5m,
      [
        [0, true],
        [3, true],
        [6, true],
        [7, true],
      ],
      ['-', '-', '-', 'match[e1 e2 e3]#4'],
    ],
    [
      'within: exactly the span fits',
      threeIn5m,
      [
        [0, true],
        [2, true],
        [5, true],
      ],
      ['-', '-', 'match[e0 e1 e2]#3'],
    ],
    [
      'a late event inside the allowance is taken in arrival order',
      three,
      [
        [10, true],
        [8, true],
        [11, true],
      ],
      ['-', '-', 'match[e0 e1 e2]#3'],
    ],
    [
      'an event older than the allowance is too late and changes nothing',
      three,
      [
        [10, true],
        [11, true],
        [4, false],
        [12, true],
      ],
      ['-', '-', 'late e2', 'match[e0 e1 e3]#3'],
    ],
  ])('%s', (_what, config, events, expected) => {
    expect(run(config, events)).toEqual(expected);
  });

  it('keeps the evidence values of the run', () => {
    let state: SequenceState | undefined;
    const signals: SequenceSignal[] = [];
    for (const [i, hr] of [112, 118, 125].entries()) {
      const r = stepSequence(three, state, { id: `e${i}`, t: i * MIN, values: { heart_rate: hr }, matches: true });
      state = r.state;
      signals.push(...r.signals);
    }
    expect(signals).toEqual([
      {
        type: 'match',
        runLength: 3,
        samples: [112, 118, 125].map((hr, i) => ({ id: `e${i}`, t: i * MIN, values: { heart_rate: hr } })),
        stats: { heart_rate: { n: 3, sum: 355, min: 112, max: 125 } },
      },
    ]);
  });

  it('keeps statistics of the whole run, beyond the samples it keeps and across steps saved as JSON', () => {
    // As the worker does: the state goes through Redis (JSON) between batches.
    let state: SequenceState | undefined;
    const last: SequenceSignal[] = [];
    for (const [i, humidity] of [28, 25, 22, 20].entries()) {
      const r = stepSequence(three, state, { id: `h${i}`, t: i * MIN, values: { humidity }, matches: true });
      state = JSON.parse(JSON.stringify(r.state));
      if (r.signals.length) last.splice(0, last.length, ...r.signals);
    }
    expect(state!.recent).toHaveLength(3);
    expect(last).toEqual([
      expect.objectContaining({ runLength: 4, stats: { humidity: { n: 4, sum: 95, min: 20, max: 28 } } }),
    ]);
    // A break starts the next run's statistics afresh.
    const broken = stepSequence(three, state, { id: 'b', t: 5 * MIN, values: { humidity: 60 }, matches: false });
    const next = stepSequence(three, broken.state, { id: 'n', t: 6 * MIN, values: { humidity: 27 }, matches: true });
    expect(next.state!.stats).toEqual({ humidity: { n: 1, sum: 27, min: 27, max: 27 } });
  });

  it('rebuilds the statistics of a state saved before runs kept them from its samples', () => {
    const old: SequenceState = {
      recent: [
        { id: 'a', t: 0, values: { x: 1 } },
        { id: 'b', t: MIN, values: { x: 3 } },
      ],
      runLength: 2,
      watermark: MIN,
      fired: false,
    };
    const r = stepSequence(three, old, { id: 'c', t: 2 * MIN, values: { x: 5 }, matches: true });
    expect(r.signals).toEqual([expect.objectContaining({ stats: { x: { n: 3, sum: 9, min: 1, max: 5 } } })]);
  });
});
