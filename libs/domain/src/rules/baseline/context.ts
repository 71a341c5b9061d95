/**
 * The contextual statistic of a baseline rule: how unlike anything in the
 * group's recent history the last `w` values are, as a sequence.
 *
 * The distance from the window of the last w values to its nearest neighbour
 * among the earlier windows of the history that do not overlap it
 * (Euclidean, on the values as they are). A shape that has been seen before
 * — a daily peak, a periodic burst, a heartbeat — has a close neighbour
 * however large its values; a sequence never seen before (a change of
 * rhythm or frequency, a day unlike the others, a level or slope that stays
 * inside the range of single values) has none. That distance is the
 * "discord" score of time-series data mining (Keogh, Lin & Fu 2005, "HOT
 * SAX: efficiently finding the most unusual time series subsequence", ICDM;
 * Yeh et al. 2016, "Matrix Profile I", ICDM) and the non-conformity measure
 * of KNN CAD, one of the Numenta benchmark's reference detectors (Burnaev &
 * Ishimtsev 2016, "Conformalized density- and distance-based anomaly
 * detection in time-series data", arXiv:1608.04585), with k = 1. Its own
 * scale differs per series, so the model judges each distance like the
 * other statistics: against the history of such distances, with the robust
 * band and, with newExtremesOnly, the record margin.
 *
 * Cost: at most (history − w) × w subtractions per value, fewer with early
 * abandoning (a candidate is dropped once its partial sum passes the best so
 * far): O(historySize × w), bounded by the rule's limits (5000 × 100).
 */

/**
 * Euclidean distance from `h[len − w, len)` (the newest window) to its nearest
 * neighbour among the windows `h[j − w + 1, j]` with j ≤ len − 1 − w (not
 * overlapping it), over the last `pool` such windows. NaN when there is none.
 * `h` is not changed.
 */
export function nearestWindowDistance(h: readonly number[], w: number, pool: number): number {
  const len = h.length;
  const last = len - 1 - w;
  const first = Math.max(w - 1, last - pool + 1);
  let best = Infinity;
  for (let j = last; j >= first; j--) {
    let d = 0;
    for (let q = 0; q < w && d < best; q++) {
      const x = h[len - 1 - q] - h[j - q];
      d += x * x;
    }
    if (d < best) best = d;
  }
  return best === Infinity ? NaN : Math.sqrt(best);
}
