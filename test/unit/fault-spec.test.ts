import { describe, expect, it } from 'vitest';
import { FaultSpecError, parseFaultPlan } from '../../infra/local/faults.ts';

const KINDS = 'the kinds are summary-write, gsi-read, ses-throttle, ses-timeout, crash-after-send';
const noSeed = () => 1234;

describe('parseFaultPlan', () => {
  it('reads each KIND=RATE and the seed', () => {
    expect(parseFaultPlan(['summary-write=0.2', 'ses-timeout=1', 'gsi-read=0', 'ses-throttle=.05', 'crash-after-send=0.50'], '42')).toEqual({
      faults: [
        { kind: 'summary-write', rate: 0.2 },
        { kind: 'ses-timeout', rate: 1 },
        { kind: 'gsi-read', rate: 0 },
        { kind: 'ses-throttle', rate: 0.05 },
        { kind: 'crash-after-send', rate: 0.5 },
      ],
      seed: 42,
    });
  });

  it('draws a seed when none is given, and asks for nothing without a --fault', () => {
    expect(parseFaultPlan(['gsi-read=1'], undefined, noSeed)).toEqual({ faults: [{ kind: 'gsi-read', rate: 1 }], seed: 1234 });
    expect(parseFaultPlan([], undefined, noSeed)).toBeUndefined();
  });

  it.each([
    ['nope=0.5', `--fault "nope=0.5": no fault kind "nope"; ${KINDS}`],
    ['=0.5', `--fault "=0.5": no fault kind ""; ${KINDS}`],
    ['ses-throtle=1', `--fault "ses-throtle=1": no fault kind "ses-throtle" (did you mean ses-throttle?); ${KINDS}`],
    ['summary_write=1', `--fault "summary_write=1": no fault kind "summary_write" (did you mean summary-write?); ${KINDS}`],
    ['summary-write', `--fault "summary-write" has no rate: write KIND=RATE, e.g. summary-write=0.2; ${KINDS}`],
    ...['2', '1.01', '-0.1', '', 'abc', '1e-1', '0x1', 'Infinity', '20%'].map((rate) => [
      `summary-write=${rate}`,
      `--fault "summary-write=${rate}": rate "${rate}" is not a number from 0 to 1 (the share of attempts that fail); ${KINDS}`,
    ]),
  ])('refuses %j, naming what was wrong and the kinds', (value, message) => {
    expect(() => parseFaultPlan([value], '1')).toThrow(new FaultSpecError(message));
  });

  it('refuses a kind given twice', () => {
    expect(() => parseFaultPlan(['gsi-read=0.1', 'gsi-read=0.5'], '1')).toThrow(
      new FaultSpecError('--fault gsi-read is given twice (0.1 and 0.5); give each kind once'),
    );
  });

  it.each(['x', '-1', '1.5', '4294967296', ''])('refuses --fault-seed %j', (seed) => {
    expect(() => parseFaultPlan(['gsi-read=1'], seed)).toThrow(new FaultSpecError(`--fault-seed "${seed}" is not a whole number from 0 to 4294967295`));
  });

  it('takes the largest seed, and refuses a seed without a fault', () => {
    expect(parseFaultPlan(['gsi-read=1'], '4294967295')?.seed).toBe(4294967295);
    expect(() => parseFaultPlan([], '7')).toThrow(new FaultSpecError(`--fault-seed 7 needs at least one --fault KIND=RATE; ${KINDS}`));
  });
});
