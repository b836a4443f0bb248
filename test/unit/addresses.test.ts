import { describe, expect, it } from 'vitest';
import { InvalidAddressError, mailboxOf, readAddressList, readMailbox, splitEntries } from '../../shared/email/addresses.ts';

describe('splitting a recipient list', () => {
  it.each([
    ['a@x.com,b@y.com', ['a@x.com', 'b@y.com']],
    [' a@x.com ,, b@y.com, ', ['a@x.com', '', 'b@y.com', '']],
    ['"Doe, John" <j@x.com>, a@b.co', ['"Doe, John" <j@x.com>', 'a@b.co']],
    ['"say \\"hi, there\\"" <j@x.com>,k@x.com', ['"say \\"hi, there\\"" <j@x.com>', 'k@x.com']],
    ['Ops (night, weekend) <o@x.io>,p@x.io', ['Ops (night, weekend) <o@x.io>', 'p@x.io']],
    ['<a,b@x.com>,c@x.com', ['<a,b@x.com>', 'c@x.com']],
  ])('%j', (raw, entries) => {
    expect(splitEntries(raw)).toEqual(entries);
  });
});

describe('reading a recipient list', () => {
  it('gives each mailbox as written, with its address and domain', () => {
    expect(readAddressList('"Doe, John" <J@Example.COM>, ops@example.org')).toEqual({
      mailboxes: [
        { text: '"Doe, John" <J@Example.COM>', name: 'Doe, John', address: 'J@Example.COM', domain: 'example.com' },
        { text: 'ops@example.org', name: '', address: 'ops@example.org', domain: 'example.org' },
      ],
      problems: [],
    });
  });

  it.each([
    ['ops@x.com,,bad', [{ input: 'ops@x.com,,bad', message: 'has no address at position 2' }, { input: 'bad', message: 'is not an e-mail address' }]],
    [',,,', [{ input: ',,,', message: 'has no address' }]],
    ['', [{ input: '', message: 'has no address' }]],
    ['a@x.com,,b@x.com,', [{ input: 'a@x.com,,b@x.com,', message: 'has no address at positions 2 and 4' }]],
    ['ops@@x', [{ input: 'ops@@x', message: 'is not an e-mail address' }]],
    ['Ops <>', [{ input: 'Ops <>', message: 'is not an e-mail address' }]],
    ['a@x.com b@x.com', [{ input: 'a@x.com b@x.com', message: 'holds 2 addresses; separate addresses with commas' }]],
    ['a@x.com;b@x.com', [{ input: 'a@x.com;b@x.com', message: 'holds 2 addresses; separate addresses with commas' }]],
    ['team: a@x.com;', [{ input: 'team: a@x.com;', message: 'is a group; list its addresses, separated by commas' }]],
    // The parser would keep these in the display name, and SES is given the entry as written.
    ['"Ops\r\nBcc: x@evil.com" <ops@x.com>', [{ input: '"Ops<U+000D><U+000A>Bcc: x@evil.com" <ops@x.com>', message: 'holds a line break or a control character' }]],
    ['"Ops\u202E" <ops@x.com>', [{ input: '"Ops<U+202E>" <ops@x.com>', message: 'holds a line break or a control character' }]],
  ])('refuses %j, naming each bad entry', (raw, problems) => {
    expect(readAddressList(raw).problems).toEqual(problems);
  });
});

describe('reading a sender', () => {
  it('takes one mailbox with or without a display name', () => {
    expect(readMailbox("O'Brien Reports <reports@example.com>").mailboxes).toEqual([
      { text: "O'Brien Reports <reports@example.com>", name: "O'Brien Reports", address: 'reports@example.com', domain: 'example.com' },
    ]);
    expect(mailboxOf(' reports@example.com ').address).toBe('reports@example.com');
  });

  it('refuses a list, an empty text and a non-address, and mailboxOf throws with the entry named', () => {
    expect(readMailbox('a@x.com, b@x.com').problems).toEqual([{ input: 'a@x.com, b@x.com', message: 'must be one address, not a list' }]);
    expect(readMailbox('  ').problems).toEqual([{ input: '  ', message: 'has no address' }]);
    expect(() => mailboxOf('reports at example')).toThrow(new InvalidAddressError([{ input: 'reports at example', message: 'is not an e-mail address' }]));
    expect(() => mailboxOf('reports at example')).toThrow('"reports at example" is not an e-mail address');
  });
});
