import * as z from 'zod';
import { WHOLE } from './checks.ts';
import { SETTINGS, type Setting, type SettingKey, type SettingValue } from './settings.ts';

// The table read as its common shape, where each entry's own type is not needed.
const DEFS: Readonly<Record<SettingKey, Setting<unknown>>> = SETTINGS;

/** Where a value comes from: the environment (functions, CLI) or the CDK context. */
export type Surface = 'env' | 'context';

/** Checked values; a required setting is never undefined. */
export type SettingValues<K extends SettingKey, R extends K = never> = {
  -readonly [P in K]: P extends R ? Exclude<SettingValue<P>, undefined> : SettingValue<P>;
};

/** What a rule across settings sees: the values that passed their own checks, and which were given at all. */
export interface RuleInput<K extends SettingKey> {
  readonly values: Partial<SettingValues<K>>;
  /** Whether the setting was given (not left to its default). */
  given(key: K): boolean;
  /** The name the setting was read under, for a message. */
  name(key: K): string;
  /** Reports a problem, as a whole sentence. */
  problem(text: string): void;
}

export interface ReadOptions<K extends SettingKey, R extends K = never> {
  /** Settings without a default that must be given. */
  readonly required?: readonly R[];
  /** Values given under another name, which win over the source: a CLI flag over its variable. */
  readonly overrides?: Partial<Record<K, { readonly name: string; readonly value: string | undefined }>>;
  /** Checks that span settings; they run even when some settings failed their own check. */
  readonly rules?: (input: RuleInput<K>) => void;
}

export interface ReadResult<K extends SettingKey, R extends K = never> {
  /** Complete only when there are no problems. */
  readonly values: SettingValues<K, R>;
  /** One line each, naming the setting as the reader wrote it: `SES_TO="ops@@x" is not an e-mail address`. */
  readonly problems: string[];
}

/** The name a setting has on a surface. */
export function nameOf(key: SettingKey, surface: Surface): string {
  const name = DEFS[key][surface];
  if (name === undefined) throw new RangeError(`The setting ${key} has no ${surface} name`);
  return name;
}

const textOf = (raw: unknown): string => (raw === undefined || raw === null ? '' : String(raw).trim());
const SENTENCE = { sentence: true } as const;

// A value that fails its check reads as undefined, so the rules across settings still see the others.
function field(key: SettingKey, required: boolean): z.ZodType<unknown> {
  const s = DEFS[key];
  return z.unknown().transform((raw, ctx) => {
    const given = textOf(raw);
    const text = given === '' ? s.default : given;
    if (text === undefined) {
      if (required) ctx.addIssue({ code: 'custom', message: `is required: ${s.hint}`, params: WHOLE });
      return undefined;
    }
    const read = s.check.safeParse(text, { reportInput: true });
    if (read.success) return read.data;
    for (const issue of read.error.issues) ctx.addIssue({ ...issue, code: 'custom' } as z.core.$ZodRawIssue);
    return undefined;
  });
}

function problemOf(issue: z.core.$ZodIssue): string {
  const params = (issue as { params?: { whole?: boolean; sentence?: boolean } }).params;
  if (params?.sentence) return issue.message;
  const name = String(issue.path[0] ?? '');
  return params?.whole || typeof issue.input !== 'string' ? `${name} ${issue.message}` : `${name}="${issue.input}" ${issue.message}`;
}

/**
 * The schema of one component's settings on one surface, in zod: a field
 * per setting with its check, and the rules across them. Every problem of
 * every setting is collected; none stops the others.
 */
export function readSettings<K extends SettingKey, R extends K = never>(
  surface: Surface,
  source: Readonly<Record<string, unknown>>,
  keys: readonly K[],
  options: ReadOptions<K, R> = {},
): ReadResult<K, R> {
  const required = new Set<SettingKey>(options.required ?? []);
  const names = new Map<K, string>();
  const input: Record<string, unknown> = {};
  for (const key of keys) {
    const override = options.overrides?.[key];
    const useOverride = override?.value !== undefined;
    const name = useOverride ? override!.name : nameOf(key, surface);
    names.set(key, name);
    input[name] = useOverride ? override!.value : source[nameOf(key, surface)];
  }
  const nameFor = (key: K) => names.get(key) ?? nameOf(key, surface);
  const valuesOf = (row: Readonly<Record<string, unknown>>) => Object.fromEntries(keys.map((k) => [k, row[nameFor(k)]])) as SettingValues<K, R>;
  const schema = z.object(Object.fromEntries(keys.map((k) => [nameFor(k), field(k, required.has(k))]))).superRefine(
    (row, ctx) =>
      options.rules?.({
        values: valuesOf(row) as Partial<SettingValues<K>>,
        given: (key) => textOf(input[nameFor(key)]) !== '',
        name: nameFor,
        problem: (text) => ctx.addIssue({ code: 'custom', message: text, params: SENTENCE }),
      }),
    { when: () => true },
  );
  const parsed = schema.safeParse(input, { reportInput: true });
  return parsed.success ? { values: valuesOf(parsed.data), problems: [] } : { values: {} as SettingValues<K, R>, problems: parsed.error.issues.map(problemOf) };
}

/** A function's environment for `values`: the same names and text forms its own reader takes. */
export function settingsEnv<K extends SettingKey>(values: { readonly [P in K]?: SettingValue<P> }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(values) as [K, SettingValue<K>][]) {
    if (value === undefined) continue;
    const s = DEFS[key];
    env[nameOf(key, 'env')] = s.toText ? s.toText(value) : String(value);
  }
  return env;
}
