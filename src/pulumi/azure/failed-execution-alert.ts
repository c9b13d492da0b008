import type * as app from '@pulumi/azure-native/app';
import * as monitor from '@pulumi/azure-native/monitor';
import * as pulumi from '@pulumi/pulumi';

/** What a failed-execution alert watches and whom it tells. */
export interface FailedExecutionAlertArgs {
  /** Resource group of the alert rule. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** The Container Apps Job whose failed executions raise the alert. */
  readonly job: app.Job;
  /** What a failure means, and where to look (the alert's description). */
  readonly description: string;
  /** The action group the alert goes to. */
  readonly actionGroupId: pulumi.Input<string>;
  /** Tags of the alert rule. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An Azure Monitor metric alert (severity 1) on a job's failed executions (`Microsoft.App/jobs` `Executions` with state
 * `Failed`, any in 15 minutes): a runner command exits non-zero on every failure, so this is the job's one signal.
 */
export function failedExecutionAlert(resourceName: string, args: FailedExecutionAlertArgs, opts: pulumi.CustomResourceOptions): monitor.MetricAlert {
  return new monitor.MetricAlert(resourceName, {
    resourceGroupName: args.resourceGroupName,
    location: 'global',
    description: args.description,
    severity: 1,
    enabled: true,
    scopes: [args.job.id],
    evaluationFrequency: 'PT5M',
    windowSize: 'PT15M',
    autoMitigate: false,
    criteria: {
      odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      allOf: [{
        criterionType: 'StaticThresholdCriterion',
        name: 'failed-executions',
        metricNamespace: 'Microsoft.App/jobs',
        metricName: 'Executions',
        dimensions: [{ name: 'state', operator: 'Include', values: ['Failed'] }],
        operator: 'GreaterThan',
        threshold: 0,
        timeAggregation: 'Total',
      }],
    },
    actions: [{ actionGroupId: args.actionGroupId }],
    tags: args.tags,
  }, opts);
}
