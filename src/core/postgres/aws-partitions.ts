/**
 * The AWS partitions by region name (the SDKs' partition table: each partition's region pattern, ARN name and DNS
 * suffix). It lives beside the S3 archive repository, which names S3's endpoint from it; core's AWS plans (ARNs of
 * another region's resources) read it from here too, since core/postgres may not import core/aws.
 */
const AWS_PARTITIONS: ReadonlyArray<{ readonly pattern: RegExp; readonly partition: string; readonly dnsSuffix: string }> = [
  { pattern: /^cn-/, partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' },
  { pattern: /^us-gov-/, partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' },
  { pattern: /^us-iso-/, partition: 'aws-iso', dnsSuffix: 'c2s.ic.gov' },
  { pattern: /^us-isob-/, partition: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov' },
  { pattern: /^eu-isoe-/, partition: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk' },
  { pattern: /^us-isof-/, partition: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov' },
];

/** The partition of `region` (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`…) and its DNS suffix (`amazonaws.com`…). */
export function awsPartitionOf(region: string): { readonly partition: string; readonly dnsSuffix: string } {
  return AWS_PARTITIONS.find(({ pattern }) => pattern.test(region)) ?? { partition: 'aws', dnsSuffix: 'amazonaws.com' };
}
