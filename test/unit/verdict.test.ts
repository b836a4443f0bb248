import { describe, expect, it } from 'vitest';
import { verdictOf, type VerdictInput } from '../../shared/digest/verdict.ts';

const group = (process: string, mark: { new?: boolean; back?: boolean } = {}) => ({ process, new: mark.new === true, back: mark.back === true });
const day = (over: Partial<VerdictInput>): VerdictInput => ({ count: 0, groups: [], previous_day_count: null, avg_7d: null, history_days_known: 0, ...over });
const nine = Array.from({ length: 9 }, (_, i) => group(`p${i}`));

describe('the verdict line', () => {
  it.each<[string, Partial<VerdictInput>, string]>([
    ['a burst with new errors', { count: 312, groups: [...nine, group('p0', { new: true }), group('p1', { new: true })], avg_7d: 78, history_days_known: 7 }, '312 failures in 9 processes; 2 new errors; up 4x on the 7-day average'],
    ['one error back', { count: 40, groups: [group('a'), group('b', { back: true })], avg_7d: 40, history_days_known: 7 }, '40 failures in 2 processes; 1 back; about the 7-day average'],
    ['one new error, singular', { count: 1, groups: [group('a', { new: true })], avg_7d: 1, history_days_known: 7 }, '1 failure in 1 process; 1 new error; about the 7-day average'],
    ['a rise below 2x', { count: 15, groups: [group('a')], avg_7d: 10, history_days_known: 7 }, '15 failures in 1 process; up 50% on the 7-day average'],
    ['a fall', { count: 3, groups: [group('a')], avg_7d: 10, history_days_known: 7 }, '3 failures in 1 process; down 70% on the 7-day average'],
    ['a fall of 30%', { count: 7, groups: [group('a')], avg_7d: 10, history_days_known: 7 }, '7 failures in 1 process; down 30% on the 7-day average'],
    ['about the same, just below', { count: 9, groups: [group('a')], avg_7d: 10, history_days_known: 7 }, '9 failures in 1 process; about the 7-day average'],
    ['a rise of 12.5x, whole', { count: 1_250, groups: [group('a')], avg_7d: 100, history_days_known: 7 }, '1,250 failures in 1 process; up 13x on the 7-day average'],
    ['a rise of 2.5x', { count: 25, groups: [group('a')], avg_7d: 10, history_days_known: 7 }, '25 failures in 1 process; up 2.5x on the 7-day average'],
    ['only 3 days known', { count: 40, groups: [group('a')], avg_7d: 10, history_days_known: 3 }, '40 failures in 1 process; up 4x on the 3-day average'],
    ['no history', { count: 5, groups: [group('a')] }, '5 failures in 1 process; no earlier days to compare with'],
    ['failures after a clean week', { count: 5, groups: [group('a')], avg_7d: 0, history_days_known: 7 }, '5 failures in 1 process; none on the previous 7 days'],
    ['no failures, no history', {}, 'No failures; no earlier days to compare with'],
    ['no failures after a clean week', { avg_7d: 0, history_days_known: 7 }, 'No failures; none on the previous 7 days either'],
    ['no failures after a busy week', { avg_7d: 12.25, history_days_known: 7 }, 'No failures; the 7-day average is 12'],
  ])('%s', (_, over, line) => {
    expect(verdictOf(day(over))).toBe(line);
  });
});
