import { Lazy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketGrantLocation, PlannedConditionValue, PlannedPolicyStatement, PolicyReference } from '../core/aws/backup-bucket';
import { IamActionGroup } from '../core/aws/iam-action-groups';

/**
 * Where one kind of resource of core's action groups is: a key (granted through the key, so a key policy is amended
 * where aws-cdk-lib needs it), or statements' resources and conditions (one statement per scope).
 */
export type PlannedGrantScope = { readonly key: kms.IKey } | Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>
| readonly Pick<iam.PolicyStatementProps, 'resources' | 'conditions'>[];

/**
 * Grants `grantee` core's action groups, each scoped to what the construct knows of that kind of resource. A kind
 * without a scope is an error: an action is never granted on `*` by omission; a kind scoped to `null` does not exist
 * here and is granted nothing.
 *
 * @param owner names the construct in the error, e.g. `SelfHostedPitrArchive`
 */
export function grantPlannedActions<Kind extends string>(
  grantee: iam.IGrantable, groups: readonly IamActionGroup<Kind>[], scopes: Partial<Record<Kind, PlannedGrantScope | null>>, owner: string,
): void {
  for (const group of groups) {
    const scope = scopes[group.resource];
    if (scope === undefined) throw new Error(`${owner} needs ${group.resource} permissions (${group.actions.join(', ')}), which it cannot scope`);
    // `null`: the resource does not exist here (a bucket without its own key), so there is nothing to grant.
    if (scope === null) continue;
    if ('key' in scope) {
      scope.key.grant(grantee, ...group.actions);
      continue;
    }
    for (const statement of Array.isArray(scope) ? scope : [scope]) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...statement }));
    }
  }
}

/**
 * Core's grant locations as scopes on `bucket`: its objects, the bucket under the location's conditions, its key
 * (`null` without one, so nothing is granted on it), ARNs elsewhere.
 */
export function bucketGrantScopes<Kind extends string>(
  locations: Readonly<Record<Kind, BucketGrantLocation>>, bucket: s3.IBucket, encryptionKey: kms.IKey | undefined,
): Record<Kind, PlannedGrantScope | null> {
  const scope = (location: BucketGrantLocation): PlannedGrantScope | null => {
    if (location === 'key') return encryptionKey ? { key: encryptionKey } : null;
    if ('bucket' in location) return { resources: [bucket.bucketArn], conditions: location.bucket.conditions };
    if ('arns' in location) return { resources: typeof location.arns === 'string' ? [location.arns] : [...location.arns], conditions: location.conditions };
    const patterns = typeof location.objects === 'string' ? [location.objects] : location.objects;
    return { resources: patterns.map((pattern) => bucket.arnForObjects(pattern)) };
  };
  const entries = Object.entries(locations) as [Kind, BucketGrantLocation][];
  return Object.fromEntries(entries.map(([kind, location]) => [kind, scope(location)])) as Record<Kind, PlannedGrantScope | null>;
}

/** The values of core's policy references a construct knows; a list is read when the template is synthesized. */
export type PolicyReferenceValues = Partial<Record<PolicyReference['ref'], string | readonly string[]>>;

/** Core's statement as an `iam.PolicyStatement` on `bucket` (its resources) with `references` filled in. */
export function renderPlannedStatement(
  statement: PlannedPolicyStatement, bucket: s3.IBucket | undefined, references: PolicyReferenceValues = {},
): iam.PolicyStatement {
  const principal = statement.principal;
  const resolve = (reference: PolicyReference): string | readonly string[] => {
    const value = references[reference.ref];
    if (value === undefined) throw new Error(`the policy statement ${statement.sid ?? ''} needs ${reference.ref}, which is not known here`);
    return value;
  };
  const conditionValue = (value: PlannedConditionValue): unknown => {
    if (typeof value !== 'object' || (Array.isArray(value) && value.every((item) => typeof item === 'string'))) return value;
    if (!Array.isArray(value)) return resolve(value as PolicyReference);
    return Lazy.list({ produce: () => (value as PolicyReference[]).flatMap((reference) => resolve(reference)) });
  };
  return new iam.PolicyStatement({
    sid: statement.sid,
    effect: statement.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
    principals: principal !== 'anyone' && principal !== '*' && 'accounts' in principal
      ? principal.accounts.map((account) => new iam.AccountPrincipal(account))
      : [principal === 'anyone' ? new iam.AnyPrincipal() : principal === '*' ? new iam.StarPrincipal()
        : 'service' in principal ? new iam.ServicePrincipal(principal.service) : new iam.AccountPrincipal(principal.account)],
    actions: [...statement.actions],
    resources: statement.resources.flatMap((resource) => (resource === 'bucket' ? bucket!.bucketArn
      : 'arn' in resource ? resource.arn : 'ref' in resource ? resolve(resource) : bucket!.arnForObjects(resource.objects))),
    conditions: statement.conditions && Object.fromEntries(Object.entries(statement.conditions).map(([operator, keys]) => [
      operator, Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, conditionValue(value)])),
    ])),
  });
}
