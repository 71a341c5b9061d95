import { expectAbsenceGroups, observeAbsence, tickAbsence, type AbsenceGroupState } from './absence';

const MIN = 60_000;
const config = { windowMs: 20 * MIN };

/** A script of ['event', group, minute] and ['tick', minute] steps; returns the signals of each. */
function run(steps: (['event', string, number] | ['tick', number])[], initial: [string, AbsenceGroupState][] = []): string[] {
  const groups = new Map<string, AbsenceGroupState>(initial);
  return steps.map((step) => {
    if (step[0] === 'event') {
      const r = observeAbsence(step[1], groups.get(step[1]), step[2] * MIN);
      groups.set(step[1], r.state);
      return r.signals.map((s) => `${s.type} ${s.group}`).join(',') || '-';
    }
    const r = tickAbsence(config, groups, step[1] * MIN);
    for (const [g, s] of r.changed) groups.set(g, s);
    return r.signals.map((s) => (s.type === 'match' ? `match ${s.group} silent ${s.silentMs / MIN}m` : `clear ${s.group}`)).join(',') || '-';
  });
}

describe('absence: no event for a group during the window', () => {
  it.each<[string, (['event', string, number] | ['tick', number])[], string[]]>([
    ['quiet for less than the window: nothing', [['event', 'A', 0], ['tick', 19]], ['-', '-']],
    ['fires when the window has passed', [['event', 'A', 0], ['tick', 20]], ['-', 'match A silent 20m']],
    ['fires once per silence', [['event', 'A', 0], ['tick', 25], ['tick', 40]], ['-', 'match A silent 25m', '-']],
    ['a report clears the episode', [['event', 'A', 0], ['tick', 25], ['event', 'A', 30]], ['-', 'match A silent 25m', 'clear A']],
    ['and a new silence fires again', [['event', 'A', 0], ['tick', 25], ['event', 'A', 30], ['tick', 50]], ['-', 'match A silent 25m', 'clear A', 'match A silent 20m']],
    ['groups are independent', [['event', 'A', 0], ['event', 'B', 10], ['tick', 21]], ['-', '-', 'match A silent 21m']],
    ['an older event does not move last-seen back', [['event', 'A', 10], ['event', 'A', 2], ['tick', 29]], ['-', '-', '-']],
  ])('%s', (_what, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('tracks expected groups that never report from the rule start', () => {
    const initial = [...expectAbsenceGroups(['SFTP-BANK-A', 'SFTP-BANK-B'], 0, new Map([['SFTP-BANK-B', { last: 15 * MIN, alerted: false }]]))];
    expect(initial).toEqual([['SFTP-BANK-A', { last: 0, alerted: false }]]);
    expect(run([['tick', 20]], initial)).toEqual(['match SFTP-BANK-A silent 20m']);
  });
});
