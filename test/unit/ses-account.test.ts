import { describe, expect, it } from 'vitest';
import { emailIdentityBody, LocalSesAccountState } from '../../infra/local/ses-account.ts';

const state = (id: string, s: LocalSesAccountState) => {
  const body = emailIdentityBody(s.current, id) as { VerificationStatus: string } | undefined;
  return body?.VerificationStatus ?? 'NOT_FOUND';
};

describe('the local SES account', () => {
  it('starts with production access and everything verified, or as the start option says; reset goes back to that', () => {
    expect(new LocalSesAccountState().current).toEqual({
      productionAccess: true,
      sendingEnabled: true,
      unverified: [],
      pending: [],
      addressIdentities: true,
      dkim: 'SUCCESS',
      max24HourSend: 50_000,
      maxSendRate: 14,
    });
    const s = new LocalSesAccountState({ productionAccess: false, unverified: ['x@example.com'] });
    expect(s.current).toMatchObject({ productionAccess: false, max24HourSend: 200, maxSendRate: 1 });
    expect(s.update({ max24HourSend: -1, unverified: [] })).toMatchObject({ productionAccess: false, max24HourSend: -1, unverified: [] });
    expect(s.reset()).toMatchObject({ productionAccess: false, max24HourSend: 200, unverified: ['x@example.com'] });
    expect(() => new LocalSesAccountState({ dkim: 'GREAT' } as never)).toThrow();
  });

  it('hides a listed address and its domain, and a listed domain with every address in it, in any case', () => {
    const s = new LocalSesAccountState({ unverified: ['Oncall@Example.org', 'gone.example'], pending: ['new.example'] });
    expect(['oncall@example.org', 'example.org', 'ops@example.org', 'gone.example', 'a@GONE.example', 'new.example', 'a@new.example', 'a@fine.example'].map((id) => [id, state(id, s)])).toEqual([
      ['oncall@example.org', 'NOT_FOUND'],
      ['example.org', 'NOT_FOUND'],
      ['ops@example.org', 'SUCCESS'],
      ['gone.example', 'NOT_FOUND'],
      ['a@GONE.example', 'NOT_FOUND'],
      ['new.example', 'PENDING'],
      ['a@new.example', 'PENDING'],
      ['a@fine.example', 'SUCCESS'],
    ]);
    s.update({ addressIdentities: false });
    expect([state('a@fine.example', s), state('fine.example', s)]).toEqual(['NOT_FOUND', 'SUCCESS']);
  });
});
