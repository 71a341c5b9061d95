import type { Alert } from '../../api/models';

/** When an alert copy last changed (ms): its newest match, acknowledgement or resolution. */
function changedAt(a: Alert): number {
  return Math.max(
    Date.parse(a.lastSeenAt),
    a.acknowledgedAt ? Date.parse(a.acknowledgedAt) : -Infinity,
    a.resolvedAt ? Date.parse(a.resolvedAt) : -Infinity,
  );
}

/**
 * The dashboard's live list: the alerts the stream announced, newest announcement first, then the
 * recent list's others, at most `limit`. Each alert is shown as its newest copy: the stream's copy is
 * what it was when announced, and the recent list, refetched after every announcement, may hold a later
 * one (an escalation, an acknowledgement, more matches); on a tie the list's copy (fetched later) wins.
 */
export function liveFeed(live: readonly Alert[], recent: readonly Alert[], limit = 15): Alert[] {
  const listed = new Map(recent.map((a) => [a.id, a]));
  const announced = live.map((a) => {
    const r = listed.get(a.id);
    return r && changedAt(r) >= changedAt(a) ? r : a;
  });
  const ids = new Set(live.map((a) => a.id));
  return [...announced, ...recent.filter((a) => !ids.has(a.id))].slice(0, limit);
}
