import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A synthesized template's resources by logical id. */
export type Resources = Record<string, { Type: string; Properties: Record<string, any>; [k: string]: any }>;

export const idOf = (c: IConstruct): string => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
export const ref = (c: IConstruct) => ({ Ref: idOf(c) });
export const arnOf = (c: IConstruct, attr = 'Arn') => ({ 'Fn::GetAtt': [idOf(c), attr] });
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

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
