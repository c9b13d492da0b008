import { AlarmPlan, MetricPlan } from './alarm-plan';
import { ResolvedPitrPolicy } from '../policy/defaults';

/** How often the archive check (and its heartbeat commit) runs on the hosts: State Manager's shortest rate. */
export const ARCHIVE_CHECK_RATE_MINUTES = 30;

/** Id of the S3 request-metrics filter on the WAL prefix (the `FilterId` dimension of `AWS/S3` request metrics). */
export const WAL_REQUEST_METRICS_FILTER_ID = 'wal-archive';

/** The metrics `pg-backup check-archive` writes (namespace and `Database` dimension of the archive). */
export const ARCHIVE_CHECK_METRIC_NAMES = {
  failedCount: 'ArchiveFailedCount',
  failing: 'ArchiveFailing',
  secondsSinceLastArchived: 'SecondsSinceLastArchivedWal',
  newestWalReadable: 'NewestArchivedWalReadable',
} as const;

/** PUT requests under the WAL prefix of `bucket` (S3 request metrics), summed per period: 0 means no WAL arrived. */
export function walPutRequestsMetric(bucket: MetricPlan['dimensions'][string], periodSeconds: number): MetricPlan {
  return {
    namespace: 'AWS/S3',
    metricName: 'PutRequests',
    dimensions: { BucketName: bucket, FilterId: WAL_REQUEST_METRICS_FILTER_ID },
    statistic: 'Sum',
    periodSeconds,
  };
}

/**
 * The alarms of a WAL archive: no WAL reached the bucket within the RPO (S3 request metrics on the WAL prefix), the
 * archiver is failing or its failures grow, the last archived segment is too old or no check reported, and — with
 * pgBackRest — the newest segment could not be fetched back.
 */
export function walArchiveAlarms(pitr: ResolvedPitrPolicy, clusterName: string, namespace: string, rpoArchiveTimeouts: number): AlarmPlan[] {
  const timeout = pitr.archiveTimeoutSeconds;
  // The heartbeat commits every minute, so a quiet server still ships a segment within a minute plus archive_timeout.
  const rpoMinutes = Math.ceil(Math.max(rpoArchiveTimeouts * timeout, 60 + timeout) / 60);
  const gapSeconds = ARCHIVE_CHECK_RATE_MINUTES * 60 + 2 * timeout + 300;
  const checkPeriod = ARCHIVE_CHECK_RATE_MINUTES * 60;
  const check = (metricName: string, statistic: string, periodSeconds = checkPeriod): MetricPlan => ({
    namespace, metricName, dimensions: { Database: clusterName }, statistic, periodSeconds,
  });
  const alarms: AlarmPlan[] = [
    {
      id: 'RpoAlarm',
      name: 'rpo',
      description: `No WAL of ${clusterName} reached the archive within ${rpoMinutes} minutes (${rpoArchiveTimeouts} × archive_timeout`
        + ` ${timeout} s, at least the heartbeat minute plus one): a host lost now loses more than that`,
      metric: walPutRequestsMetric({ resource: 'archive-bucket' }, rpoMinutes * 60),
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    },
    {
      id: 'ArchiverFailingAlarm',
      name: 'archiver-failing',
      description: `archive_command of ${clusterName} is failing: its last attempt failed after its last success (pg_stat_archiver)`,
      metric: check(ARCHIVE_CHECK_METRIC_NAMES.failing, 'Maximum'),
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    },
    {
      id: 'ArchiveFailuresGrowingAlarm',
      name: 'archive-failures-growing',
      description: `pg_stat_archiver.failed_count of ${clusterName} grew since the previous check`,
      metric: {
        expression: 'DIFF(failed)',
        label: 'New archive failures',
        periodSeconds: checkPeriod,
        metrics: { failed: { namespace, metricName: ARCHIVE_CHECK_METRIC_NAMES.failedCount, dimensions: { Database: clusterName }, statistic: 'Maximum' } },
      },
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    },
    {
      id: 'ArchiveGapAlarm',
      name: 'archive-gap',
      description: `The last WAL segment of ${clusterName} was archived more than ${gapSeconds} s before a check, or no check reported: `
        + 'a silent archiver or a stopped check pages',
      metric: check(ARCHIVE_CHECK_METRIC_NAMES.secondsSinceLastArchived, 'Maximum', 3600),
      threshold: gapSeconds,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
    },
  ];
  if (pitr.archiver === 'pgbackrest') {
    alarms.push({
      id: 'NewestWalUnreadableAlarm',
      name: 'newest-wal-unreadable',
      description: `The newest archived WAL segment of ${clusterName} could not be fetched back from the archive`,
      metric: check(ARCHIVE_CHECK_METRIC_NAMES.newestWalReadable, 'Minimum'),
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'notBreaching',
    });
  }
  return alarms;
}
