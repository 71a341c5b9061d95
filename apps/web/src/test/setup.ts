import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, expect } from 'vitest';

// MUI's out-of-range warnings (a Select value none of its options has) are bugs of the page, not noise: a test that
// causes one fails.
const outOfRange: string[] = [];
const warn = console.warn.bind(console);
beforeEach(() => {
  outOfRange.length = 0;
  console.warn = (...args: unknown[]) => {
    if (args.some((a) => typeof a === 'string' && a.includes('out-of-range value'))) outOfRange.push(String(args[0]));
    warn(...args);
  };
});

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  console.warn = warn;
  expect(outOfRange, 'MUI out-of-range warnings').toEqual([]);
});
