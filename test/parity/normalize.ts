/**
 * Normalization of what CDK synthesizes and what the Pulumi components register, so the two can be compared as data:
 * references to resources become `<ref>` on both sides (a CloudFormation `Ref`/`Fn::GetAtt`, a Pulumi mock's opaque
 * `ref~<name>~<attribute>` or `ref-<name>-minted`), pseudo parameters become the fixed account, region and partition, and an ARN that names a
 * resource by reference is that reference.
 */

export const PARITY_ACCOUNT = '123456789012';
export const PARITY_REGION = 'eu-west-1';

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': PARITY_REGION,
  'AWS::AccountId': PARITY_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

const OPAQUE_REFERENCE = /ref~[^~"]+~[A-Za-z]+|ref-[a-z0-9-]+?-minted/g;
const ARN_OF_REFERENCE = /^arn:[^<]*<ref>$/;

function collapse(text: string): string {
  return ARN_OF_REFERENCE.test(text) ? '<ref>' : text;
}

/** A CloudFormation value with its intrinsic functions resolved to text (`<ref>` for references). */
export function fromCloudFormation(value: any): any {
  if (typeof value === 'string') return collapse(value);
  if (Array.isArray(value)) return value.map(fromCloudFormation);
  if (value === null || typeof value !== 'object') return value;
  if ('Ref' in value) return PSEUDO_PARAMETERS[value.Ref] ?? '<ref>';
  if ('Fn::GetAtt' in value) return '<ref>';
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    return collapse(parts.map((part: any) => {
      const resolved = fromCloudFormation(part);
      return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
    }).join(separator));
  }
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fromCloudFormation(child)]));
}

/** A value a Pulumi component registered, with the mock's opaque references as `<ref>`. */
export function fromPulumi(value: any): any {
  if (typeof value === 'string') return collapse(value.replace(OPAQUE_REFERENCE, '<ref>'));
  if (Array.isArray(value)) return value.map(fromPulumi);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, fromPulumi(child)]));
}

/**
 * The permissions of policy statements as a sorted list of single grants (`Allow s3:GetObject on <ref>/pg-dumps/* if …`),
 * so statements merged or split differently, and lists in another order, compare equal.
 */
export function permissions(statements: any[]): string[] {
  const grants = new Set<string>();
  for (const statement of statements) {
    const actions = [statement.Action].flat();
    const resources = [statement.Resource ?? '*'].flat();
    const principal = statement.Principal === undefined ? '' : ` for ${JSON.stringify(sortKeys(statement.Principal))}`;
    const condition = statement.Condition === undefined ? '' : ` if ${JSON.stringify(sortKeys(statement.Condition))}`;
    for (const action of actions) for (const resource of resources) grants.add(`${statement.Effect} ${action} on ${resource}${principal}${condition}`);
  }
  return [...grants].sort();
}

function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}

/** An alarm as data: what it watches, when it fires, what silence means, whom it notifies. */
export interface AlarmShape {
  readonly description: string;
  readonly metrics: string[];
  readonly expression?: string;
  readonly threshold: number;
  readonly comparison: string;
  readonly evaluationPeriods: number;
  readonly treatMissingData: string;
  readonly alarmActions: string[];
  readonly okActions: string[];
}

function metricText(namespace: string, name: string, dimensions: Record<string, string>, stat: string, period: number, id?: string): string {
  const dims = Object.keys(dimensions).sort().map((key) => `${key}=${dimensions[key]}`).join(',');
  return `${id ? `${id}: ` : ''}${namespace} ${name} [${dims}] ${stat}/${period}s`;
}

/** The shape of an `AWS::CloudWatch::Alarm`'s properties (already passed through {@link fromCloudFormation}). */
export function alarmFromCloudFormation(p: any): AlarmShape {
  const dimensions = (list: any[] | undefined) => Object.fromEntries((list ?? []).map((d) => [d.Name, d.Value]));
  const queries = (p.Metrics ?? []) as any[];
  return {
    description: p.AlarmDescription,
    metrics: p.MetricName
      ? [metricText(p.Namespace, p.MetricName, dimensions(p.Dimensions), p.Statistic, p.Period)]
      : queries.filter((q) => q.MetricStat).map((q) => metricText(q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName,
        dimensions(q.MetricStat.Metric.Dimensions), q.MetricStat.Stat, q.MetricStat.Period, q.Id)).sort(),
    expression: queries.find((q) => q.Expression)?.Expression,
    threshold: p.Threshold,
    comparison: p.ComparisonOperator,
    evaluationPeriods: p.EvaluationPeriods,
    treatMissingData: p.TreatMissingData,
    alarmActions: p.AlarmActions ?? [],
    okActions: p.OKActions ?? [],
  };
}

/** The shape of an `aws.cloudwatch.MetricAlarm`'s inputs (already passed through {@link fromPulumi}). */
export function alarmFromPulumi(p: any): AlarmShape {
  const queries = (p.metricQueries ?? []) as any[];
  return {
    description: p.alarmDescription,
    metrics: p.metricName
      ? [metricText(p.namespace, p.metricName, p.dimensions ?? {}, p.statistic, p.period)]
      : queries.filter((q) => q.metric).map((q) => metricText(q.metric.namespace, q.metric.metricName, q.metric.dimensions ?? {}, q.metric.stat,
        q.metric.period, q.id)).sort(),
    expression: queries.find((q) => q.expression)?.expression,
    threshold: p.threshold,
    comparison: p.comparisonOperator,
    evaluationPeriods: p.evaluationPeriods,
    treatMissingData: p.treatMissingData,
    alarmActions: p.alarmActions ?? [],
    okActions: p.okActions ?? [],
  };
}

/** An S3 lifecycle rule as data, from CloudFormation's `LifecycleConfiguration.Rules`. */
export function lifecycleFromCloudFormation(rules: any[]): any[] {
  return rules.map((rule) => ({
    id: rule.Id,
    status: rule.Status,
    prefix: rule.Prefix ?? '',
    transitions: (rule.Transitions ?? []).map((t: any) => `${t.StorageClass}@${t.TransitionInDays}`),
    expirationDays: rule.ExpirationInDays,
    noncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
    abortDays: rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
  }));
}

/** An S3 lifecycle rule as data, from `aws.s3.BucketLifecycleConfiguration` rules. */
export function lifecycleFromPulumi(rules: any[]): any[] {
  return rules.map((rule) => ({
    id: rule.id,
    status: rule.status,
    prefix: rule.filter?.prefix ?? rule.prefix ?? '',
    transitions: (rule.transitions ?? []).map((t: any) => `${t.storageClass}@${t.days}`),
    expirationDays: rule.expiration?.days,
    noncurrentDays: rule.noncurrentVersionExpiration?.noncurrentDays,
    abortDays: rule.abortIncompleteMultipartUpload?.daysAfterInitiation,
  }));
}

/**
 * A CDK state machine's definition with its substitutions filled in as normalized text, parsed: what Step Functions
 * would run, with references as `<ref>`.
 */
export function definitionFromCloudFormation(properties: any): any {
  const text = typeof properties.DefinitionString === 'string'
    ? properties.DefinitionString
    : fromCloudFormation(properties.DefinitionString);
  const substitutions = fromCloudFormation(properties.DefinitionSubstitutions ?? {});
  return JSON.parse(text.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (match: string, name: string) => substitutions[name] ?? match));
}

/** A Pulumi state machine's definition, parsed, with references as `<ref>`. */
export function definitionFromPulumi(definition: string): any {
  return fromPulumi(JSON.parse(definition));
}
