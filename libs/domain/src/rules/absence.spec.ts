import { expectAbsenceGroups, judgeAbsenceAsOf, observeAbsence, tickAbsence, type AbsenceGroupState } from './absence';

const MIN = 60_000;
const config = { windowMs: 20 * MIN };

/** A script of ['event', group, minute] and ['tick', minute] steps; returns the signals of each. */
function run(
  steps: (['event', string, number] | ['tick', number])[],
  initial: [string, AbsenceGroupState][] = [],
  countFromMinute = -Infinity,
): string[] {
  const groups = new Map<string, AbsenceGroupState>(initial);
  return steps.map((step) => {
    if (step[0] === 'event') {
      const r = observeAbsence(step[1], groups.get(step[1]), step[2] * MIN);
      groups.set(step[1], r.state);
      return r.signals.map((s) => `${s.type} ${s.group}`).join(',') || '-';
    }
    const r = tickAbsence(config, groups, step[1] * MIN, countFromMinute * MIN);
    for (const [g, s] of r.changed) groups.set(g, s);
    return (
      r.signals
        .map((s) => (s.type === 'match' ? `match ${s.group} silent ${s.silentMs / MIN}m` : `clear ${s.group}`))
        .join(',') || '-'
    );
  });
}

describe('absence: no event for a group during the window', () => {
  it.each<[string, (['event', string, number] | ['tick', number])[], string[]]>([
    [
      'quiet for less than the window: nothing',
      [
        ['event', 'A', 0],
        ['tick', 19],
      ],
      ['-', '-'],
    ],
    [
      'fires when the window has passed',
      [
        ['event', 'A', 0],
        ['tick', 20],
      ],
      ['-', 'match A silent 20m'],
    ],
    [
      'fires once per silence',
      [
        ['event', 'A', 0],
        ['tick', 25],
        ['tick', 40],
      ],
      ['-', 'match A silent 25m', '-'],
    ],
    [
      'a report clears the episode',
      [
        ['event', 'A', 0],
        ['tick', 25],
        ['event', 'A', 30],
      ],
      ['-', 'match A silent 25m', 'clear A'],
    ],
    [
      'and a new silence fires again',
      [
        ['event', 'A', 0],
        ['tick', 25],
        ['event', 'A', 30],
        ['tick', 50],
      ],
      ['-', 'match A silent 25m', 'clear A', 'match A silent 20m'],
    ],
    [
      'groups are independent',
      [
        ['event', 'A', 0],
        ['event', 'B', 10],
        ['tick', 21],
      ],
      ['-', '-', 'match A silent 21m'],
    ],
    [
      'an older event does not move last-seen back',
      [
        ['event', 'A', 10],
        ['event', 'A', 2],
        ['tick', 29],
      ],
      ['-', '-', '-'],
    ],
  ])('%s', (_what, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('tracks expected groups that never report from the rule start', () => {
    const initial = [
      ...expectAbsenceGroups(
        ['SFTP-BANK-A', 'SFTP-BANK-B'],
        0,
        new Map([['SFTP-BANK-B', { last: 15 * MIN, alerted: false }]]),
      ),
    ];
    expect(initial).toEqual([['SFTP-BANK-A', { last: 0, alerted: false }]]);
    expect(run([['tick', 20]], initial)).toEqual(['match SFTP-BANK-A silent 20m']);
  });

  it(
    'after ingest resumed, counts silence from then: a group silent through an outage fires a window after it, ' +
      'its match telling the whole silence',
    () => {
      const outage: (['event', string, number] | ['tick', number])[] = [
        ['event', 'A', 0],
        ['event', 'B', 36],
        ['tick', 45],
        ['tick', 55],
        ['tick', 56],
      ];
      // Ingest came back at minute 35 (B reported a minute later): A was last seen before the outage.
      expect(run(outage, [], 35)).toEqual(['-', '-', '-', 'match A silent 55m', 'match B silent 20m']);
      // Without it A's silence would count the outage.
      expect(run(outage)).toEqual(['-', '-', 'match A silent 45m', '-', 'match B silent 20m']);
    },
  );
});

describe('judgeAbsenceAsOf: silence only while ingest was up', () => {
  const at = 100 * MIN;
  it.each([
    [
      'no record (an api without beats): as of now, no floor',
      { lastBeat: null, resumedAt: null },
      { asOf: at, countFrom: -Infinity },
    ],
    [
      'up (beat 10 s ago) since minute 40: as of now, silence from minute 40',
      { lastBeat: at - 10_000, resumedAt: 40 * MIN },
      { asOf: at, countFrom: 40 * MIN },
    ],
    [
      'at the limit (30 s): still up',
      { lastBeat: at - 30_000, resumedAt: 40 * MIN },
      { asOf: at, countFrom: 40 * MIN },
    ],
    [
      'down (no beat for 5 min): as of the last beat',
      { lastBeat: at - 5 * MIN, resumedAt: 40 * MIN },
      { asOf: at - 5 * MIN, countFrom: 40 * MIN },
    ],
  ])('%s', (_what, uptime, expected) => {
    expect(judgeAbsenceAsOf(at, { ...uptime, downAfterMs: 30_000 })).toEqual(expected);
  });
});
