import { SEED_BUSINESSES } from './seed-businesses';

// What a view's description says of its figures must be what its panels compute.
const WORDS: Record<string, RegExp> = {
  avg: /\baverage\b/i,
  min: /\blowest\b/i,
  max: /\bhighest\b/i,
  count: /\b(count|logs|number)/i,
  sum: /\btotal|amounts?\b/i,
};

describe('the seeded views', () => {
  const panels = SEED_BUSINESSES.flatMap((b) =>
    b.views.flatMap((v) =>
      v.panels.map((p) => ({ business: b.id, view: v, panel: p as { title: string; agg: string } })),
    ),
  );

  it.each(panels.map((x) => [x.business, x.panel.title, x]))(
    '%s: "%s" is described by what it aggregates',
    (_b, _t, { view, panel }) => {
      const word = WORDS[panel.agg];
      if (!word) return; // percentiles name themselves in the title (p95, p99)
      expect(`${view.description} ${panel.title}`).toMatch(word);
    },
  );

  it('never calls a min or max panel an average', () => {
    expect(panels.length).toBeGreaterThan(5);
    for (const { panel } of panels)
      if (panel.agg === 'min' || panel.agg === 'max') expect(panel.title).not.toMatch(/average/i);
  });
});
