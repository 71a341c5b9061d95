import { describe, expect, it } from 'vitest';
import { ProblemError, errorMessage } from './problem';

describe('ProblemError', () => {
  const p = new ProblemError({
    title: 'Invalid rule',
    status: 400,
    detail: "/condition: unknown field 'hr'",
    errors: [
      { pointer: '/condition', detail: "unknown field 'hr'" },
      { pointer: '/escalations/0/when', detail: 'bad' },
    ],
  });

  it('finds the reason for a pointer or anything below it', () => {
    expect(p.fieldError('/condition')).toBe("unknown field 'hr'");
    expect(p.fieldError('/escalations')).toBe('bad');
    expect(p.fieldError('/name')).toBeUndefined();
  });

  it('shows the detail, adding field reasons the detail does not already say', () => {
    expect(errorMessage(p)).toBe("/condition: unknown field 'hr'");
    expect(
      errorMessage(
        new ProblemError({
          title: 'Bad',
          status: 400,
          detail: 'Validation failed',
          errors: [{ pointer: '/ids', detail: 'must be an array' }],
        }),
      ),
    ).toBe('Validation failed (/ids: must be an array)');
    expect(errorMessage(new Error('offline'))).toBe('offline');
  });
});
