import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { FailureDigestStack } from '../../infra/stack/failure-digest-stack.ts';

/** Reading a synthesized failure-digest template: logical ids, grants, environments and bundles. */

export interface Synth {
  readonly app: App;
  readonly stack: FailureDigestStack;
  readonly template: Template;
  readonly resources: Record<string, { Type: string; Properties: Record<string, any>; [k: string]: any }>;
}

export const idOf = (c: IConstruct): string => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
export const ref = (c: IConstruct) => ({ Ref: idOf(c) });
export const arnOf = (c: IConstruct, attr = 'Arn') => ({ 'Fn::GetAtt': [idOf(c), attr] });
export const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every inline policy attached to `role`. */
export function statementsOf(s: Synth, role: IConstruct): Statement[] {
  const roleId = idOf(role);
  return Object.values(s.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties['Roles']).some((x: any) => x.Ref === roleId))
    .flatMap((r) => r.Properties['PolicyDocument'].Statement as Statement[]);
}

export function allStatements(s: Synth): Statement[] {
  return Object.values(s.resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties['PolicyDocument'].Statement as Statement[]);
}

/** Resources each action is allowed on, so tests can assert exact grants. */
export function grants(statements: Statement[]): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    for (const action of asArray(st.Action)) out.set(action, [...(out.get(action) ?? []), ...asArray(st.Resource)]);
  }
  return out;
}

export function envOf(s: Synth, fn: IConstruct): Record<string, unknown> {
  return s.resources[idOf(fn)]!.Properties['Environment'].Variables;
}

export function bundleOf(s: Synth, fn: IConstruct): { dir: string; code: string } {
  const key = s.resources[idOf(fn)]!.Properties['Code'].S3Key as string;
  const dir = path.join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
  return { dir, code: readFileSync(path.join(dir, 'index.mjs'), 'utf8') };
}

/** What the functions' own config readers would see at cold start, with the tables named. */
export function resolvedEnv(env: Record<string, unknown>): Record<string, string> {
  // What CloudFormation would put in: a name, or for the queue variable, URLs.
  const resolve = (k: string) =>
    k.endsWith('_URLS')
      ? `https://sqs.eu-west-1.amazonaws.com/123456789012/resolved-${k.toLowerCase()}`
      : k === 'ADMIN_TOPIC_ARN'
        ? `arn:aws:sns:eu-west-1:123456789012:resolved-${k.toLowerCase()}`
        : k === 'REPORT_ARCHIVE'
          ? 's3://resolved-bucket/reports/'
          : `resolved-${k.toLowerCase()}`;
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : resolve(k)]));
}

/** A synthesized template's resources by logical id. */
export type Resources = Synth['resources'];

/** The resources each action is allowed on, over every inline policy attached to `role`. */
export function grantsOf(resources: Resources, role: IConstruct): Record<string, unknown[]> {
  const roleId = idOf(role);
  const out: Record<string, unknown[]> = {};
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy' || !asArray(r.Properties['Roles']).some((x: any) => x.Ref === roleId)) continue;
    for (const st of r.Properties['PolicyDocument'].Statement) {
      if (st.Effect !== 'Allow') continue;
      for (const action of asArray(st.Action as string)) out[action] = [...(out[action] ?? []), ...asArray(st.Resource)];
    }
  }
  return out;
}

/** Every acknowledged cdk-nag finding below `scope`, as `path rule`, with its reasons. */
export function acknowledgementsOf(scope: IConstruct): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        (out[`${c.node.path} ${id.replace(/^annotation::/i, '')}`] ??= []).push(reason);
      }
    }
  }
  return out;
}
