/**
 * DynamoDB expressions whose attribute names come from a table's model, so a
 * store never spells an attribute itself.
 */

/** An expression and the `#name` placeholders it uses. */
export interface NamedExpression {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
}

/** An update's SET clause with the values it sets. */
export interface SetExpression extends NamedExpression {
  readonly values: Readonly<Record<string, unknown>>;
}

/** An attribute name this helper cannot turn into a placeholder. */
export class AttributeNameError extends Error {
  constructor(name: string) {
    super(`Attribute name ${JSON.stringify(name)} has characters other than letters, digits and _`);
    this.name = 'AttributeNameError';
  }
}

const PLACEHOLDER_SAFE = /^[A-Za-z0-9_]+$/;

/** The placeholder of one attribute; the same name always gives the same placeholder, so maps merge safely. */
function placeholder(name: string): string {
  if (!PLACEHOLDER_SAFE.test(name)) throw new AttributeNameError(name);
  return `#${name}`;
}

/**
 * An expression with its attribute names interpolated:
 * `` expr`${name} > :since` `` with `name = 'started'` is `#started > :since`
 * with `{ '#started': 'started' }`. Every name goes through a placeholder,
 * so a reserved word (`state`, `reason`, ...) never breaks an expression, and
 * the map holds exactly the names used: DynamoDB refuses unused ones.
 */
export function expr(strings: TemplateStringsArray, ...attributes: readonly string[]): NamedExpression {
  const names: Record<string, string> = {};
  let expression = strings[0] ?? '';
  attributes.forEach((name, i) => {
    const ref = placeholder(name);
    names[ref] = name;
    expression += ref + (strings[i + 1] ?? '');
  });
  return { expression, names };
}

/** `SET #a = :set_a, ...` for every field of a partial item, with its values. */
export function setFields(fields: Readonly<Record<string, unknown>>): SetExpression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses = Object.entries(fields).map(([name, value]) => {
    const ref = placeholder(name);
    names[ref] = name;
    values[`:set_${name}`] = value;
    return `${ref} = :set_${name}`;
  });
  return { expression: `SET ${clauses.join(', ')}`, names, values };
}

/** The names of the expressions of one request, merged into its `ExpressionAttributeNames`. */
export function namesOf(...expressions: readonly NamedExpression[]): Record<string, string> {
  return Object.assign({}, ...expressions.map((e) => e.names));
}
