import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { getPartitionOutput } from '@pulumi/aws/getPartition';
import { getRegionOutput } from '@pulumi/aws/getRegion';
import * as pulumi from '@pulumi/pulumi';

/** Where a component deploys: what CloudFormation calls the `AWS::Partition`, `AWS::Region` and `AWS::AccountId`. */
export interface AwsEnvironment {
  /** `aws`, `aws-cn`, `aws-us-gov`… */
  readonly partition: pulumi.Output<string>;
  /** The provider's region. */
  readonly region: pulumi.Output<string>;
  /** The account of the provider's credentials. */
  readonly account: pulumi.Output<string>;
}

/**
 * Reads the partition, region and account of the provider `parent` uses (the default provider without one), to build
 * ARNs of resources it does not create.
 */
export function awsEnvironment(parent?: pulumi.Resource): AwsEnvironment {
  const options = parent ? { parent } : {};
  return {
    partition: getPartitionOutput({}, options).partition,
    region: getRegionOutput({}, options).region,
    account: getCallerIdentityOutput({}, options).accountId,
  };
}

/** An ARN of this environment: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function formatArn(
  environment: AwsEnvironment, service: string, resource: pulumi.Input<string>, options: { global?: boolean } = {},
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${environment.partition}:${service}:${options.global ? '' : environment.region}:${environment.account}:${resource}`;
}

/** The ARN of the AWS managed policy `name` (`service-role/AWSBackupServiceRolePolicyForBackup`) in the provider's partition. */
export function awsManagedPolicyArn(environment: Pick<AwsEnvironment, 'partition'>, name: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${environment.partition}:iam::aws:policy/${name}`;
}
