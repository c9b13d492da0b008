import * as pulumi from '@pulumi/pulumi';
import { BucketGrantLocation, PlannedConditionValue, PlannedPolicyStatement, PolicyReference, backupObjectGrantLocations } from '../../core/aws/backup-bucket';
import { BackupObjectResourceKind, IamActionGroup } from '../../core/aws/iam-action-groups';

/** A principal of a resource policy statement, as IAM writes it. */
export type PolicyPrincipal = '*' | { readonly AWS?: pulumi.Input<string | pulumi.Input<string>[]>; readonly Service?: pulumi.Input<string | string[]> };

/**
 * One IAM policy statement as IAM writes it, with inputs where ARNs come from resources: a `Principal` only in
 * resource policies, no `Resource` in a trust policy; `Sid` and `Condition` when there are some.
 */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | string[];
  readonly Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  readonly Condition?: Record<string, Record<string, pulumi.Input<unknown>>>;
}

/** Values as IAM writes them: one alone, several as a list. */
function oneOrList<T>(values: readonly T[]): T | T[] {
  return values.length === 1 ? values[0] : [...values];
}

/** A policy document (`Version` 2012-10-17) as the JSON text IAM, S3, SNS, SQS, KMS and AWS Backup take. */
export function policyDocument(statements: readonly pulumi.Input<PolicyStatement>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements });
}

/** The trust policy of a role a service assumes, optionally only on behalf of one account and source. */
export function assumedByService(service: string, conditions?: PolicyStatement['Condition']): pulumi.Output<string> {
  return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(conditions ? { Condition: conditions } : {}) }]);
}

/** The statement that denies every request to `resources` not made over TLS (the `enforceSSL` of aws-cdk-lib). */
export function denyInsecureTransport(action: string, resources: pulumi.Input<string> | pulumi.Input<string>[], principal: PolicyPrincipal = { AWS: '*' }): PolicyStatement {
  return { Effect: 'Deny', Principal: principal, Action: action, Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/** Where a kind of resource of an action group is: its ARNs, and the condition that narrows the statement. */
export interface GrantScope {
  /** The ARNs (or `*` with a condition). */
  readonly resources: pulumi.Input<string> | pulumi.Input<string>[];
  /** The condition that scopes the statement, if any. */
  readonly condition?: PolicyStatement['Condition'];
}

/**
 * The statements that grant core's action groups, each scoped to its kind of resource. A kind without a scope grants
 * nothing (a key that does not exist, say), unless `owner` is named: then it is an error, so an action is never
 * granted on `*` by omission, and the error names the component, e.g. `VerifyRestore`.
 */
export function grantStatements<Kind extends string>(
  groups: readonly IamActionGroup<Kind>[], scopes: Partial<Record<Kind, GrantScope>>, owner?: string,
): PolicyStatement[] {
  return groups.flatMap((group) => {
    const scope = scopes[group.resource];
    if (scope === undefined && owner !== undefined) throw new Error(`${owner} needs ${group.resource} permissions (${group.actions.join(', ')}), which it cannot scope`);
    if (scope === undefined) return [];
    return [{ Effect: 'Allow' as const, Action: oneOrList(group.actions), Resource: scope.resources, ...(scope.condition ? { Condition: scope.condition } : {}) }];
  });
}

/** The ARN of the objects of the bucket `bucketArn` that match the key pattern. */
function objectsOf(bucketArn: pulumi.Input<string>, pattern: string): pulumi.Output<string> {
  return pulumi.interpolate`${bucketArn}/${pattern}`;
}

/** The values of core's policy references a component knows; a list is spread where it stands. */
export type PolicyReferenceInputs = Partial<Record<PolicyReference['ref'], pulumi.Input<string> | pulumi.Input<string>[]>>;

/** Core's statement as a policy statement on the bucket `bucketArn` (its resources), with `references` filled in. */
export function plannedStatement(
  statement: PlannedPolicyStatement, bucketArn: pulumi.Input<string> | undefined, references: PolicyReferenceInputs = {},
): PolicyStatement {
  const { principal } = statement;
  const resolve = (reference: PolicyReference): pulumi.Input<string> | pulumi.Input<string>[] => {
    const value = references[reference.ref];
    if (value === undefined) throw new Error(`the policy statement ${statement.sid ?? ''} needs ${reference.ref}, which is not known here`);
    return value;
  };
  const conditionValue = (value: PlannedConditionValue): pulumi.Input<unknown> => {
    if (typeof value !== 'object' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))) return value;
    return Array.isArray(value) ? (value as PolicyReference[]).flatMap((reference) => resolve(reference)) : resolve(value as PolicyReference);
  };
  const accountRoot = (account: string, partition?: string): pulumi.Output<string> =>
    pulumi.interpolate`arn:${partition ?? resolve({ ref: 'partition' }) as pulumi.Input<string>}:iam::${account}:root`;
  const resources = statement.resources.flatMap((resource) => (resource === 'bucket' ? bucketArn!
    : 'arn' in resource ? resource.arn : 'ref' in resource ? resolve(resource) : objectsOf(bucketArn!, resource.objects)));
  return {
    ...(statement.sid !== undefined ? { Sid: statement.sid } : {}),
    Effect: statement.effect,
    Principal: principal === 'anyone' ? { AWS: '*' } : principal === '*' ? '*'
      : 'service' in principal ? { Service: principal.service }
        : 'accounts' in principal ? { AWS: principal.accounts.map((account) => accountRoot(account)) }
          : { AWS: accountRoot(principal.account, principal.partition) },
    Action: oneOrList(statement.actions),
    Resource: oneOrList(resources),
    ...(statement.conditions ? {
      Condition: Object.fromEntries(Object.entries(statement.conditions).map(([operator, keys]) => [
        operator, Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, conditionValue(value)])),
      ])),
    } : {}),
  };
}

/**
 * Core's grant locations as the ARNs of the bucket `bucketArn`: objects under it, the bucket with the location's
 * conditions, its key (no scope without a key, so its groups grant nothing), ARNs elsewhere.
 */
export function bucketGrantScopes<Kind extends string>(
  locations: Readonly<Record<Kind, BucketGrantLocation>>, bucketArn: pulumi.Input<string>, encryptionKeyArn?: pulumi.Input<string>,
): Partial<Record<Kind, GrantScope>> {
  const scope = (location: BucketGrantLocation): GrantScope | undefined => {
    if (location === 'key') return encryptionKeyArn === undefined ? undefined : { resources: encryptionKeyArn };
    if ('bucket' in location) return { resources: bucketArn, condition: location.bucket.conditions as GrantScope['condition'] };
    if ('arns' in location) {
      return { resources: typeof location.arns === 'string' ? location.arns : [...location.arns], ...(location.conditions ? { condition: location.conditions as GrantScope['condition'] } : {}) };
    }
    const objects = location.objects;
    return { resources: typeof objects === 'string' ? objectsOf(bucketArn, objects) : objects.map((pattern) => objectsOf(bucketArn, pattern)) };
  };
  return Object.fromEntries((Object.entries(locations) as [Kind, BucketGrantLocation][]).flatMap(([kind, location]) => {
    const found = scope(location);
    return found === undefined ? [] : [[kind, found]];
  })) as Partial<Record<Kind, GrantScope>>;
}

/** Where the backups under `prefix` are, by kind of resource: the objects, the bucket listing only the prefix, the key (when there is one). */
export function backupObjectScopes(
  bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>,
): Partial<Record<BackupObjectResourceKind, GrantScope>> {
  return bucketGrantScopes(backupObjectGrantLocations(prefix), bucketArn, encryptionKeyArn);
}
