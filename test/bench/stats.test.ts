import { describe, expect, it } from 'vitest';
import { fitLine, mean, median, percentile, ratio, rotation } from './stats.ts';

describe('benchmark statistics', () => {
  it('interpolates percentiles between the closest ranks', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 100)).toBe(10);
    expect(percentile(v, 50)).toBe(5.5);
    expect(percentile(v, 99)).toBeCloseTo(9.91, 10);
    expect(percentile([42], 99)).toBe(42);
  });

  it('does not depend on the order of the values and leaves them unsorted', () => {
    const v = [9, 1, 5, 3, 7];
    expect(median(v)).toBe(5);
    expect(v).toEqual([9, 1, 5, 3, 7]);
  });

  it('gives NaN for no values and refuses percentiles outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(mean([])).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });

  it('averages and divides without Infinity', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(ratio(10, 4)).toBe(2.5);
    expect(ratio(1, 0)).toBeNaN();
  });

  it('rotates the order of the methods so each runs first equally often', () => {
    const m = ['summary', 'gsi', 'scan'];
    expect(rotation(m, 0)).toEqual(['summary', 'gsi', 'scan']);
    expect(rotation(m, 1)).toEqual(['gsi', 'scan', 'summary']);
    expect(rotation(m, 2)).toEqual(['scan', 'summary', 'gsi']);
    expect(rotation(m, 3)).toEqual(m);
    expect(rotation(m, -1)).toEqual(['scan', 'summary', 'gsi']);
  });

  it('fits a line through measured points', () => {
    const fit = fitLine([[1, 12], [10, 30], [100, 210]]);
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.intercept).toBeCloseTo(10, 10);
    expect(fitLine([[5, 1], [5, 3]])).toEqual({ intercept: 2, slope: 0 });
    expect(fitLine([]).slope).toBeNaN();
  });
});
