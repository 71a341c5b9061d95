import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { renderAt } from '../test/render';
import { RuleEditorPage } from './rule-editor-page';

const business = {
  id: 'vitals',
  name: 'Vitals',
  description: '',
  timezone: 'UTC',
  timestampField: 'timestamp',
  entityKeyFields: ['user_id'],
  retentionDays: 30,
  compressAfterDays: 7,
  archive: false,
  provisioned: false,
  schemaVersion: 1,
  archivedAt: null,
  createdAt: '',
  updatedAt: '',
  fields: [
    { name: 'timestamp', type: 'timestamp' },
    { name: 'user_id', type: 'string' },
    { name: 'heart_rate', type: 'number' },
  ],
};

describe('RuleEditorPage', () => {
  it('shows the api’s reason under the condition and blocks saving until it checks', async () => {
    const calls = fakeApi({
      'GET /businesses/vitals': { body: business },
      'POST /businesses/vitals/rules/validate': (_req, body) =>
        (body as { condition: string }).condition.includes('hart')
          ? {
              status: 400,
              body: {
                title: 'Invalid rule',
                status: 400,
                detail: '/condition: unknown field',
                errors: [{ pointer: '/condition', detail: "unknown field 'hart_rate'; did you mean 'heart_rate'?" }],
              },
            }
          : { body: { valid: true, rule: body } },
    });
    renderAt(<RuleEditorPage />, {
      path: '/businesses/vitals/rules/new',
      pattern: '/businesses/:businessId/rules/new',
    });
    await userEvent.type(await screen.findByRole('textbox', { name: /^Name/ }), 'Tachycardia');
    await userEvent.type(screen.getByRole('textbox', { name: 'condition' }), 'hart_rate > 100');
    expect(await screen.findByText("unknown field 'hart_rate'; did you mean 'heart_rate'?")).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create rule' })).toBeDisabled();

    await userEvent.clear(screen.getByRole('textbox', { name: 'condition' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'condition' }), 'heart_rate > 100');
    expect(await screen.findByTestId('rule-valid')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Create rule' })).toBeEnabled());
    const last = calls.filter((c) => c.url.endsWith('/validate')).at(-1);
    expect(last?.body).toMatchObject({ name: 'Tachycardia', kind: 'immediate', condition: 'heart_rate > 100' });
  });

  it('previews a backtest and shows alerts per day', async () => {
    fakeApi({
      'GET /businesses/vitals': { body: business },
      'POST /businesses/vitals/rules/validate': { body: { valid: true } },
      'POST /businesses/vitals/rules/backtest': {
        body: {
          events: 1200,
          matches: 9,
          alertsTotal: 3,
          perDay: [
            { day: '2026-11-20', alerts: 1 },
            { day: '2026-11-21', alerts: 2 },
          ],
          resolved: 2,
          open: 1,
          ms: 12,
        },
      },
    });
    renderAt(<RuleEditorPage />, {
      path: '/businesses/vitals/rules/new',
      pattern: '/businesses/:businessId/rules/new',
    });
    await userEvent.type(await screen.findByRole('textbox', { name: /^Name/ }), 'r');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const result = await screen.findByTestId('preview-result');
    expect(result).toHaveTextContent('3 alerts over 1200 events (9 matches); 2 would have resolved, 1 still open.');
    expect(screen.getByRole('table', { name: 'alerts per day' })).toHaveTextContent('2026-11-21');
    // Another kind is another rule: the result of the previous one goes.
    await userEvent.click(screen.getByRole('combobox', { name: 'Kind' }));
    await userEvent.click(screen.getByRole('option', { name: 'sequence' }));
    expect(screen.queryByTestId('preview-result')).not.toBeInTheDocument();
  });

  it.each([
    ['sequence', ['Consecutive events (N)', 'Within'], { kind: 'sequence', minCount: 3 }],
    ['absence', ['Window', 'Expected groups'], { kind: 'absence', window: '5m', condition: null }],
    [
      'aggregate',
      ['Threshold', 'Window'],
      { kind: 'aggregate', aggregate: { fn: 'count' }, op: '>=', threshold: 10, window: '5m' },
    ],
    [
      'baseline',
      ['Sensitivity', 'Mean of last', 'Volatility of last', 'Sequence of last', 'Quiet period', 'New extremes only'],
      // A new baseline starts at the defaults the NAB benchmark's protocol chose.
      {
        kind: 'baseline',
        sensitivity: 5.5,
        direction: 'both',
        seasonality: 'auto',
        meanWindow: 12,
        volatilityWindow: 24,
        contextWindow: 48,
        quietPeriod: 75,
        historySize: 1000,
        newExtremesOnly: true,
        condition: null,
      },
    ],
  ])('shows the %s form and checks its body with the api', async (kind, labels, body) => {
    const calls = fakeApi({
      'GET /businesses/vitals': { body: business },
      'POST /businesses/vitals/rules/validate': { body: { valid: true } },
    });
    renderAt(<RuleEditorPage />, {
      path: '/businesses/vitals/rules/new',
      pattern: '/businesses/:businessId/rules/new',
    });
    await userEvent.type(await screen.findByRole('textbox', { name: /^Name/ }), 'r');
    await userEvent.click(screen.getByRole('combobox', { name: 'Kind' }));
    await userEvent.click(screen.getByRole('option', { name: kind }));
    for (const label of labels) expect(screen.getAllByLabelText(label).length).toBeGreaterThan(0);
    await waitFor(() => expect(calls.filter((c) => c.url.endsWith('/validate')).at(-1)?.body).toMatchObject(body));
  });
});
