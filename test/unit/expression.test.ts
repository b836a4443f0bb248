import { describe, expect, it } from 'vitest';
import { AttributeNameError, expr, namesOf, setFields } from '../../shared/aws/expression.ts';

describe('expr', () => {
  it('puts every interpolated attribute behind a placeholder, and names exactly those', () => {
    const e = expr`attribute_not_exists(${'pk'}) OR (${'state'} = :sending AND ${'lease_until_ms'} < :now)`;
    expect(e.expression).toBe('attribute_not_exists(#pk) OR (#state = :sending AND #lease_until_ms < :now)');
    expect(e.names).toEqual({ '#pk': 'pk', '#state': 'state', '#lease_until_ms': 'lease_until_ms' });
  });

  it('names an attribute used twice once', () => {
    const e = expr`attribute_not_exists(${'evidence'}) OR ${'evidence'} <= :ev`;
    expect(e.expression).toBe('attribute_not_exists(#evidence) OR #evidence <= :ev');
    expect(e.names).toEqual({ '#evidence': 'evidence' });
  });

  it('leaves an expression without attributes as it is', () => {
    expect(expr`size(:x) > :y`).toEqual({ expression: 'size(:x) > :y', names: {} });
  });

  it('refuses a name it cannot make a placeholder of', () => {
    expect(() => expr`${'a-b'} = :v`).toThrow(AttributeNameError);
    expect(() => expr`${'a.b'} = :v`).toThrow(/"a\.b"/);
  });
});

describe('setFields', () => {
  it('sets each field through a placeholder and a value of its own', () => {
    expect(setFields({ state: 'sent', sent_ms: 5 })).toEqual({
      expression: 'SET #state = :set_state, #sent_ms = :set_sent_ms',
      names: { '#state': 'state', '#sent_ms': 'sent_ms' },
      values: { ':set_state': 'sent', ':set_sent_ms': 5 },
    });
  });
});

describe('namesOf', () => {
  it('merges the names of the expressions of one request', () => {
    expect(namesOf(expr`${'a'} = :a`, setFields({ b: 1 }), expr`${'a'} > :x`)).toEqual({ '#a': 'a', '#b': 'b' });
  });
});
