import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { dynamoDbThrottle, InjectedTimeoutError, injectedBy, sesTooManyRequests, type WireAnswer } from './fault-answers.ts';
import { FAULT_KINDS, FAULT_RULES, type FaultKind, type FaultTargets } from './fault-kinds.ts';
import type { FaultPlan } from './fault-spec.ts';
import { LOCAL_ACCOUNT } from './local-env.ts';
import { isLoopbackHost } from './loopback.ts';
import { seededRandom, streamSeed } from './seeded-random.ts';

export { FAULT_KINDS, FAULT_RULES, type FaultKind, type FaultTargets } from './fault-kinds.ts';
export { faultFlags, FaultSpecError, parseFaultPlan, type FaultPlan, type FaultSpec } from './fault-spec.ts';
export { injectedBy, isInjectedFault } from './fault-answers.ts';

/** The clients faults go into; a document client made from `dynamodb` shares its middleware, and so its faults. */
export interface FaultableClients {
  readonly dynamodb: DynamoDBClient;
  readonly ses: SESv2Client;
}

export interface FaultCount {
  readonly kind: FaultKind;
  readonly rate: number;
  /** SDK attempts the kind could act on. */
  readonly attempts: number;
  /** Those it failed. */
  readonly injected: number;
}

export interface FaultInjector {
  readonly plan: FaultPlan;
  /** Per kind of the plan, in its order. */
  counts(): readonly FaultCount[];
  /** Takes the faults off the clients again. */
  remove(): void;
}

export interface InjectOptions {
  /** What `crash-after-send` does once SES accepted. @default SIGKILL to this process */
  readonly crash?: () => void;
  /** Where the line announcing a crash goes, the last this process says. @default standard error */
  readonly log?: (line: string) => void;
}

/** A client with faults in it reached for a host that is not this machine: faults never go near AWS. */
export class FaultsNotLocalError extends Error {
  constructor(host: string | undefined) {
    super(
      `--fault works on the local stack only, and a request went to ${host ?? 'an unknown host'}: ` +
        'point AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SESV2 at the local stack (the export lines that `failure-digest start` prints)',
    );
    this.name = 'FaultsNotLocalError';
  }
}

const MIDDLEWARE = 'failureDigestFaults';

/** SIGKILL, as a crash is: no exit handlers, no finally blocks, no flushing. */
export const killThisProcess = (): void => {
  process.kill(process.pid, 'SIGKILL');
};

interface Decider {
  readonly kind: FaultKind;
  readonly rate: number;
  attempts: number;
  injected: number;
  hits(): boolean;
}

function decider(kind: FaultKind, rate: number, seed: number): Decider {
  const random = seededRandom(streamSeed(seed, kind));
  const d: Decider = {
    kind,
    rate,
    attempts: 0,
    injected: 0,
    hits() {
      d.attempts += 1;
      // random() is in [0, 1): rate 0 never hits, rate 1 always does.
      const hit = random() < rate;
      if (hit) d.injected += 1;
      return hit;
    },
  };
  return d;
}

/** The fault's answer in place of sending the attempt. */
async function answerInstead(kind: FaultKind, targets: FaultTargets, region: string): Promise<WireAnswer> {
  const table = (name: string) => `arn:aws:dynamodb:${region}:${LOCAL_ACCOUNT}:table/${name}`;
  if (kind === 'summary-write') return dynamoDbThrottle(kind, 'TableWriteKeyRangeThroughputExceeded', table(targets.summaryTable));
  if (kind === 'gsi-read') {
    return dynamoDbThrottle(kind, 'IndexReadKeyRangeThroughputExceeded', `${table(targets.executionTable)}/index/${targets.gsiName}`);
  }
  return sesTooManyRequests(kind);
}

const isAccepted = (response: unknown) => {
  const status = (response as { statusCode?: number } | undefined)?.statusCode ?? 0;
  return status >= 200 && status < 300;
};

/** Reads the answer to its end, so the connection is free for the next request, as a timed-out one would be closed. */
async function discard(response: unknown): Promise<void> {
  const body = (response as { body?: AsyncIterable<unknown> } | undefined)?.body;
  if (body && Symbol.asyncIterator in body) for await (const _ of body);
}

/**
 * Puts the plan's faults into the clients' SDK middleware: innermost, below
 * the retry loop, the signer and the deserializer, right before the HTTP
 * handler. So each SDK attempt is decided on its own (a throttled attempt is
 * retried by the SDK as a real throttle is), an injected answer is turned
 * into an error by the SDK itself, and every request that is not failed goes
 * to the emulator unchanged. Each kind draws from its own seeded sequence, and
 * only on the attempts it could act on.
 */
export function injectFaults(clients: FaultableClients, plan: FaultPlan, targets: FaultTargets, options: InjectOptions = {}): FaultInjector {
  const deciders = plan.faults.map((f) => decider(f.kind, f.rate, plan.seed));
  // In the order of FAULT_RULES, whatever the order of the flags: the first kind that hits an attempt acts.
  const on = (service: 'dynamodb' | 'ses') =>
    deciders.filter((d) => FAULT_RULES[d.kind].service === service).sort((a, b) => FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
  const crash = options.crash ?? killThisProcess;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  // On both clients, whichever kinds are on: a client with faults in it never talks to anything but this machine.
  const add = (client: FaultableClients[keyof FaultableClients], mine: Decider[]) => {
    const stack = client.middlewareStack as DynamoDBClient['middlewareStack'];
    stack.add(
      (next, context) => async (args) => {
        const host = (args.request as { hostname?: string } | undefined)?.hostname;
        if (!isLoopbackHost(host)) throw new FaultsNotLocalError(host);
        const command = context.commandName ?? '';
        const input = args.input as Record<string, unknown>;
        const applies = mine.filter((d) => FAULT_RULES[d.kind].matches(command, input, targets));
        for (const d of applies) {
          if (FAULT_RULES[d.kind].moment === 'instead-of-sending' && d.hits()) {
            return { response: await answerInstead(d.kind, targets, await client.config.region()) };
          }
        }
        const result = await next(args);
        if (!isAccepted(result.response)) return result;
        for (const d of applies) {
          if (FAULT_RULES[d.kind].moment !== 'after-accepted' || !d.hits()) continue;
          const operation = command.replace(/Command$/, '');
          if (d.kind === 'crash-after-send') {
            log(`failure-digest: ${operation} was accepted; this process is killed now ${injectedBy(d.kind)}`);
            crash();
            // A dead process answers nothing: should `crash` return, nothing after the send runs either.
            return new Promise<never>(() => {});
          }
          await discard(result.response);
          throw new InjectedTimeoutError(d.kind, operation);
        }
        return result;
      },
      { step: 'deserialize', priority: 'low', name: MIDDLEWARE },
    );
  };
  add(clients.dynamodb, on('dynamodb'));
  add(clients.ses, on('ses'));

  return {
    plan,
    counts: () => deciders.map(({ kind, rate, attempts, injected }) => ({ kind, rate, attempts, injected })),
    remove() {
      clients.dynamodb.middlewareStack.remove(MIDDLEWARE);
      clients.ses.middlewareStack.remove(MIDDLEWARE);
    },
  };
}
