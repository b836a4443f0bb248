import { Option } from 'commander';
import {
  FAULT_KINDS,
  FAULT_RULES,
  faultFlags,
  injectFaults,
  parseFaultPlan,
  type FaultableClients,
  type FaultInjector,
  type FaultPlan,
  type FaultTargets,
} from '../local/faults.ts';
import { isLoopbackHost } from '../local/loopback.ts';
import { UsageError } from './errors.ts';

export interface FaultFlags {
  readonly fault?: string[];
  readonly faultSeed?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--fault KIND=RATE`, repeatable; with `faultSeedOption`, the same on every command that takes faults. */
export const faultOption = (): Option =>
  new Option(
    '--fault <KIND=RATE>',
    `local stack only: fail this share (0 to 1) of the SDK attempts of one kind; repeatable; kinds: ${FAULT_KINDS.join(', ')}`,
  ).argParser(collect);

export const faultSeedOption = (): Option =>
  new Option('--fault-seed <n>', 'with --fault: which attempts fail, the same for the same seed (default: a new one, printed)');

/**
 * The plan the flags ask for, or `undefined`; a bad flag is a usage error.
 * Checked before anything else, so that nothing starts for a run that cannot be what was asked.
 */
export function faultPlanOf(flags: FaultFlags, env?: NodeJS.ProcessEnv): FaultPlan | undefined {
  const plan = parseFaultPlan(flags.fault ?? [], flags.faultSeed);
  if (plan && env) requireLocalEndpoints(env);
  return plan;
}

const ENDPOINTS = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SESV2'] as const;

/**
 * Faults are for the local stack only: refuse unless both endpoints the
 * digest talks to are on this machine. The SDK falls back to
 * AWS_ENDPOINT_URL, so that counts too.
 */
export function requireLocalEndpoints(env: NodeJS.ProcessEnv): void {
  const why = (what: string) => new UsageError(`--fault works on the local stack only, and ${what} (the export lines that \`failure-digest start\` prints set it)`);
  if (/^true$/i.test(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '')) throw why('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true sends requests to AWS');
  for (const name of ENDPOINTS) {
    const url = env[name] || env['AWS_ENDPOINT_URL'];
    if (!url) throw why(`${name} is not set`);
    let host: string | undefined;
    try {
      host = new URL(url).hostname;
    } catch {
      host = undefined;
    }
    if (!isLoopbackHost(host)) throw why(`${name}=${url} is not a loopback address (localhost, 127.0.0.1 or [::1])`);
  }
}

/** Puts the plan into the clients and says so; `undefined` without a plan. */
export function injectFaultPlan(
  plan: FaultPlan | undefined,
  clients: FaultableClients,
  targets: FaultTargets,
  say: (line: string) => void,
): FaultInjector | undefined {
  if (!plan) return undefined;
  const injector = injectFaults(clients, plan, targets);
  for (const line of faultLines(plan, targets)) say(line);
  return injector;
}

/** What is on, said once at the start: the kinds, what each does here, and the seed to repeat the run. */
export function faultLines(plan: FaultPlan, targets: FaultTargets): string[] {
  return [
    `faults on (local stack only; each rate is the share of SDK attempts that fail; seed ${plan.seed}, --fault-seed ${plan.seed} repeats it): ${faultFlags(plan)}`,
    ...plan.faults.map((f) => `  ${f.kind}=${f.rate}: ${FAULT_RULES[f.kind].describe(targets)}`),
  ];
}

/** What was injected, said at the end: `faults injected: summary-write 2 of 7 attempts`. */
export const faultCountsLine = (injector: FaultInjector): string =>
  `faults injected: ${injector
    .counts()
    .map((c) => `${c.kind} ${c.injected} of ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}`)
    .join(', ')}`;
