import {
  BackupPolicy,
  BackupTier,
  checkPolicy,
  formatValue,
  PolicyValidationError,
  validatePolicy,
} from '../../../src/core';

const AWS = { sourceRegion: 'eu-west-1' } as const;
const dumpAt = (expression: string, timezone?: string): BackupPolicy => ({ logicalDump: { schedule: { expression, timezone } } });
const azure = (policy: BackupPolicy): BackupPolicy => ({ ...policy, platform: 'azure' });
const rule = (overrides: object = {}) => ({ name: 'daily', frequency: 'daily' as const, retentionDays: 35, ...overrides });

/** [what is wrong, policy, path, value as reported, part of the allowed range]. */
const badPolicies: Array<[string, BackupPolicy, string, unknown, string]> = [
  // The whole policy
  ['an unknown platform', { platform: 'gcp' as never }, 'platform', 'gcp', 'one of: aws, azure, self-hosted'],
  ['an AWS source region in capitals', { sourceRegion: 'EU-WEST-1' }, 'sourceRegion', 'EU-WEST-1', 'an AWS region such as "eu-west-1"'],
  ['an Azure source region with a space', azure({ sourceRegion: 'west europe' }), 'sourceRegion', 'west europe', 'an Azure region such as "westeurope"'],

  // Logical dumps
  ['no parallel jobs', { logicalDump: { jobs: 0 } }, 'logicalDump.jobs', 0, 'an integer from 1 to 64'],
  ['too many parallel jobs', { logicalDump: { jobs: 65, format: 'directory' } }, 'logicalDump.jobs', 65, 'an integer from 1 to 64'],
  ['a fractional job count', { logicalDump: { jobs: 2.5, format: 'directory' } }, 'logicalDump.jobs', 2.5, 'an integer from 1 to 64'],
  ['parallel jobs with the default custom format', { logicalDump: { jobs: 4 } }, 'logicalDump.jobs', 4, '1 when format is "custom"'],
  ['parallel jobs with an explicit custom format', { logicalDump: { jobs: 2, format: 'custom' } }, 'logicalDump.jobs', 2, '1 when format is "custom"'],
  ['the tar format', { logicalDump: { format: 'tar' as never } }, 'logicalDump.format', 'tar', 'one of: custom, directory'],
  ['a gzip level above 9', { logicalDump: { compression: 10 } }, 'logicalDump.compression', 10, 'an integer from 0 to 9, "none"'],
  ['a negative gzip level', { logicalDump: { compression: -1 } }, 'logicalDump.compression', -1, 'an integer from 0 to 9'],
  ['a fractional gzip level', { logicalDump: { compression: 3.5 } }, 'logicalDump.compression', 3.5, 'an integer from 0 to 9'],
  ['lz4 level 13', { logicalDump: { compression: 'lz4:13' } }, 'logicalDump.compression', 'lz4:13', '"lz4:1" to "lz4:12"'],
  ['zstd level 23', { logicalDump: { compression: 'zstd:23' } }, 'logicalDump.compression', 'zstd:23', '"zstd:1" to "zstd:22"'],
  ['zstd level 0', { logicalDump: { compression: 'zstd:0' } }, 'logicalDump.compression', 'zstd:0', '"zstd:1" to "zstd:22"'],
  ['gzip level 0 in method syntax', { logicalDump: { compression: 'gzip:0' } }, 'logicalDump.compression', 'gzip:0', '"gzip:1" to "gzip:9"'],
  ['gzip level 10 in method syntax', { logicalDump: { compression: 'gzip:10' } }, 'logicalDump.compression', 'gzip:10', '"gzip:1" to "gzip:9"'],
  ['an unknown method', { logicalDump: { compression: 'brotli:5' } }, 'logicalDump.compression', 'brotli:5', '"lz4:1" to "lz4:12" or "zstd:1" to "zstd:22"'],
  ['schema only and data only', { logicalDump: { schemaOnly: true, dataOnly: true } }, 'logicalDump.dataOnly', true, 'false when schemaOnly is true'],
  ['dumps kept no day', { logicalDump: { retentionDays: 0 } }, 'logicalDump.retentionDays', 0, 'an integer from 1 to 36500 days'],
  ['dumps kept a fractional day', { logicalDump: { retentionDays: 1.5 } }, 'logicalDump.retentionDays', 1.5, 'an integer from 1 to 36500 days'],
  ['a negative count of daily dumps kept', { logicalDump: { retention: { daily: -1 } } }, 'logicalDump.retention.daily', -1, 'an integer from 0 to 3660 backups'],
  ['a fractional count of weekly dumps kept', { logicalDump: { retention: { weekly: 1.5 } } }, 'logicalDump.retention.weekly', 1.5, 'an integer from 0 to 520 backups'],
  ['more monthly dumps kept than a century has months', { logicalDump: { retention: { monthly: 1201 } } }, 'logicalDump.retention.monthly', 1201, 'an integer from 0 to 1200 backups'],
  ['yearly dumps kept as text', { logicalDump: { retention: { yearly: '2' as never } } }, 'logicalDump.retention.yearly', '2', 'an integer from 0 to 100 backups'],
  ['a floor of no backup', { logicalDump: { retention: { minimumKept: 0 } } }, 'logicalDump.retention.minimumKept', 0, 'an integer from 1 to 1000 backups'],
  ['a prune schedule with four cron fields', { logicalDump: { retention: { pruneSchedule: { expression: '0 5 * *' } } } }, 'logicalDump.retention.pruneSchedule.expression', '0 5 * *',
    'a 5-field cron expression'],
  ['retention that is not an object', { logicalDump: { retention: 7 as never } }, 'logicalDump.retention', 7, 'an object { daily, weekly, monthly, yearly, minimumKept }'],
  ['a lifecycle safety net shorter than twice the longest class', { logicalDump: { retentionDays: 100, retention: { monthly: 3 } } }, 'logicalDump.retentionDays', 100,
    'at least 186 days (twice the longest class of logicalDump.retention)'],
  ['a lifecycle safety net shorter than the default classes need', { logicalDump: { retentionDays: 30, retention: {} } }, 'logicalDump.retentionDays', 30,
    'at least 744 days (twice the longest class of logicalDump.retention)'],
  ['no lock wait', { logicalDump: { lockWaitTimeoutSeconds: 0 } }, 'logicalDump.lockWaitTimeoutSeconds', 0, 'a number from 0.001 to 86400 seconds'],
  ['a lock wait over a day', { logicalDump: { lockWaitTimeoutSeconds: 100_000 } }, 'logicalDump.lockWaitTimeoutSeconds', 100_000, 'a number from 0.001 to 86400 seconds'],
  ['an unknown row count mode', { logicalDump: { rowCounts: 'sample' as never } }, 'logicalDump.rowCounts', 'sample', 'one of: exact, estimate, off'],
  ['an empty table pattern', { logicalDump: { tables: ['orders', ''] } }, 'logicalDump.tables[1]', '', 'a non-empty name'],
  ['a blank excluded schema', { logicalDump: { excludeSchemas: ['  '] } }, 'logicalDump.excludeSchemas[0]', '  ', 'a non-empty name'],
  ['a table listed twice', { logicalDump: { tables: ['orders', 'lines', 'orders'] } }, 'logicalDump.tables[2]', 'orders',
    'a name not listed before (logicalDump.tables[0] has it)'],
  ['a misspelt dump option', { logicalDump: { retentionDay: 45 } as never }, 'logicalDump.retentionDay', 45, 'an option logicalDump takes: schedule, format,'],
  ['a misspelt option of a backup-plan rule', { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35, retention: 35 } as never] } },
    'backupPlan.rules[0].retention', 35, 'an option backupPlan.rules[0] takes: name, frequency, schedule, retentionDays, moveToColdStorageAfterDays'],
  ['a misspelt immutability option', { immutability: { days: 7, mod: 'compliance' } as never }, 'immutability.mod', 'compliance',
    'an option immutability takes: mode, days'],
  ['a cron with four fields', dumpAt('0 2 * *'), 'logicalDump.schedule.expression', '0 2 * *', 'a 5-field cron expression'],
  ['a cron minute of 61', dumpAt('61 2 * * *'), 'logicalDump.schedule.expression', '61 2 * * *', 'a 5-field cron expression'],
  ['a cron with L', dumpAt('0 2 L * *'), 'logicalDump.schedule.expression', '0 2 L * *', 'a 5-field cron expression'],
  ['a cron restricting both day fields', dumpAt('0 2 1 * 1'), 'logicalDump.schedule.expression', '0 2 1 * 1', 'restricts day-of-month or day-of-week, not both'],
  ['a zero rate', dumpAt('rate(0 hours)'), 'logicalDump.schedule.expression', 'rate(0 hours)', 'rate(N minutes|hours|days)'],
  ['a rate in weeks', dumpAt('rate(5 weeks)'), 'logicalDump.schedule.expression', 'rate(5 weeks)', 'rate(N minutes|hours|days)'],
  ['an unknown time zone', dumpAt('0 2 * * *', 'Mars/Olympus'), 'logicalDump.schedule.timezone', 'Mars/Olympus', 'an IANA time zone name'],
  ['an offset as time zone', dumpAt('0 2 * * *', '+02:00'), 'logicalDump.schedule.timezone', '+02:00', 'an IANA time zone name'],
  ['a daylight-saving zone for an Azure job', azure(dumpAt('0 2 * * *', 'Europe/Berlin')), 'logicalDump.schedule.timezone', 'Europe/Berlin',
    'UTC, or a zone without daylight saving time'],
  ['a rate with no cron equivalent for an Azure drill', azure({ verification: { schedule: { expression: 'rate(3 days)' } } }),
    'verification.schedule.expression', 'rate(3 days)', 'a rate that divides an hour or a day'],
  ['a monthly Azure job that moves to the previous day in UTC', azure(dumpAt('0 3 1 * *', 'Asia/Tokyo')), 'logicalDump.schedule.expression', '0 3 1 * *',
    'the same day of the month as its local runs'],

  // Managed snapshots
  ['automated backups kept no day', { managedSnapshots: { backupRetentionDays: 0 } }, 'managedSnapshots.backupRetentionDays', 0, 'an integer from 1 to 35 days'],
  ['automated backups kept 36 days', { managedSnapshots: { backupRetentionDays: 36 } }, 'managedSnapshots.backupRetentionDays', 36, 'an integer from 1 to 35 days'],
  ['Azure retention under 7 days', azure({ managedSnapshots: { backupRetentionDays: 5 } }), 'managedSnapshots.backupRetentionDays', 5, 'an integer from 7 to 35 days'],
  ['Azure retention over 35 days', azure({ managedSnapshots: { backupRetentionDays: 40 } }), 'managedSnapshots.backupRetentionDays', 40, 'an integer from 7 to 35 days'],
  ['a backup window without leading zero', { managedSnapshots: { preferredBackupWindow: '3:00-03:30' } }, 'managedSnapshots.preferredBackupWindow', '3:00-03:30',
    'a daily window "hh:mm-hh:mm" in UTC of at least 30 minutes'],
  ['a 29-minute backup window', { managedSnapshots: { preferredBackupWindow: '03:00-03:29' } }, 'managedSnapshots.preferredBackupWindow', '03:00-03:29',
    'at least 30 minutes'],
  ['a 20-minute backup window across midnight', { managedSnapshots: { preferredBackupWindow: '23:50-00:10' } }, 'managedSnapshots.preferredBackupWindow',
    '23:50-00:10', 'at least 30 minutes'],
  ['a backup window at hour 24', { managedSnapshots: { preferredBackupWindow: '24:00-00:30' } }, 'managedSnapshots.preferredBackupWindow', '24:00-00:30',
    'a daily window "hh:mm-hh:mm"'],
  ['a maintenance window without its end day', { managedSnapshots: { preferredMaintenanceWindow: 'sun:05:00-06:00' } },
    'managedSnapshots.preferredMaintenanceWindow', 'sun:05:00-06:00', 'a weekly window "ddd:hh:mm-ddd:hh:mm" in UTC of at least 30 minutes'],
  ['a 20-minute maintenance window', { managedSnapshots: { preferredMaintenanceWindow: 'sun:05:00-sun:05:20' } },
    'managedSnapshots.preferredMaintenanceWindow', 'sun:05:00-sun:05:20', 'at least 30 minutes'],
  ['a maintenance window on an unknown day', { managedSnapshots: { preferredMaintenanceWindow: 'xyz:05:00-sun:06:00' } },
    'managedSnapshots.preferredMaintenanceWindow', 'xyz:05:00-sun:06:00', 'a weekly window'],
  ['a backup window inside the maintenance window',
    { managedSnapshots: { preferredBackupWindow: '05:30-06:30', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' } },
    'managedSnapshots.preferredBackupWindow', '05:30-06:30', 'a window that does not overlap the maintenance window "sun:05:00-sun:06:00"'],
  ['a backup window across midnight overlapping Monday maintenance',
    { managedSnapshots: { preferredBackupWindow: '23:30-00:30', preferredMaintenanceWindow: 'mon:00:00-mon:01:00' } },
    'managedSnapshots.preferredBackupWindow', '23:30-00:30', 'does not overlap the maintenance window'],
  ['a maintenance window across the end of the week overlapping the backup window',
    { managedSnapshots: { preferredBackupWindow: '00:00-00:30', preferredMaintenanceWindow: 'sat:23:00-sun:01:00' } },
    'managedSnapshots.preferredBackupWindow', '00:00-00:30', 'does not overlap the maintenance window'],

  // Backup plan
  ['a rule kept no day', { backupPlan: { rules: [rule({ retentionDays: 0 })] } }, 'backupPlan.rules[0].retentionDays', 0, 'an integer from 1 to 36500 days'],
  ['a rule kept longer than AWS Backup keeps anything', { backupPlan: { rules: [rule({ retentionDays: 36_501 })] } }, 'backupPlan.rules[0].retentionDays', 36_501,
    'an integer from 1 to 36500 days'],
  ['a rule kept longer than an Azure Backup vault keeps anything', azure({ backupPlan: { rules: [rule({ retentionDays: 3651 })] } }),
    'backupPlan.rules[0].retentionDays', 3651, 'an integer from 1 to 3650 days'],
  // AWS Backup API reference, Lifecycle: "Resource types that can transition to cold storage are listed in the Feature
  // availability by resource table. AWS Backup ignores this expression for other resource types" (RDS and Aurora are not
  // listed), so a cold-storage rule on AWS would leave the recovery points warm, and the estimate's saving untrue.
  ['cold storage on AWS, which AWS Backup ignores for RDS and Aurora', { backupPlan: { rules: [rule({ retentionDays: 365, moveToColdStorageAfterDays: 90 })] } },
    'backupPlan.rules[0].moveToColdStorageAfterDays', 90, 'unset on AWS (AWS Backup does not move RDS or Aurora recovery points to cold storage'],
  ['cold storage on AWS given the platform by name', { platform: 'aws', backupPlan: { rules: [rule(), rule({ name: 'monthly', frequency: 'monthly', retentionDays: 36_500, moveToColdStorageAfterDays: 30 })] } },
    'backupPlan.rules[1].moveToColdStorageAfterDays', 30, 'unset on AWS'],
  ['cold storage on Azure, whose vault keeps flexible server backups in its vault store only',
    azure({ backupPlan: { rules: [rule({ retentionDays: 365, moveToColdStorageAfterDays: 90 })] } }),
    'backupPlan.rules[0].moveToColdStorageAfterDays', 90, 'unset on Azure (Azure Backup keeps PostgreSQL flexible server backups in the vault store only)'],
  // AWS Backup refuses a plan whose rule runs less than 60 minutes apart when it is deployed ("The interval between
  // backup jobs shouldn't be less than 60 minutes"), so hourly is the most frequent schedule it takes.
  ['an AWS Backup rule every 15 minutes', { backupPlan: { rules: [rule({ frequency: 'hourly', schedule: { expression: '*/15 * * * *' } })] } },
    'backupPlan.rules[0].schedule.expression', '*/15 * * * *', 'a cron expression whose runs are at least 60 minutes apart (hourly at most) (its runs are 15 minutes apart'],
  ['an AWS Backup rule twice within an hour across midnight', { backupPlan: { rules: [rule({ schedule: { expression: '10,50 0,23 * * *' } })] } },
    'backupPlan.rules[0].schedule.expression', '10,50 0,23 * * *', 'a cron expression whose runs are at least 60 minutes apart (hourly at most) (its runs are 20 minutes apart'],
  ['cold storage after no day, on AWS', { backupPlan: { rules: [rule({ retentionDays: 365, moveToColdStorageAfterDays: 0 })] } },
    'backupPlan.rules[0].moveToColdStorageAfterDays', 0, 'unset on AWS'],
  ['two rules with one name', { backupPlan: { rules: [rule(), rule({ frequency: 'weekly' })] } }, 'backupPlan.rules[1].name', 'daily',
    'a name not used by another rule (backupPlan.rules[0] has it)'],
  ['a rule without a name', { backupPlan: { rules: [rule({ name: '' })] } }, 'backupPlan.rules[0].name', '', 'a non-empty rule name'],
  ['a yearly rule', { backupPlan: { rules: [rule({ frequency: 'yearly' })] } }, 'backupPlan.rules[0].frequency', 'yearly', 'one of: hourly, daily, weekly, monthly'],
  ['no continuous backup day', { backupPlan: { continuousBackupRetentionDays: 0 } }, 'backupPlan.continuousBackupRetentionDays', 0, 'an integer from 1 to 35 days'],
  ['continuous backup over 35 days', { backupPlan: { continuousBackupRetentionDays: 36 } }, 'backupPlan.continuousBackupRetentionDays', 36,
    'an integer from 1 to 35 days'],
  ['an AWS Backup rule in a daylight-saving zone', { backupPlan: { rules: [rule({ schedule: { expression: '0 5 * * *', timezone: 'Europe/Paris' } })] } },
    'backupPlan.rules[0].schedule.timezone', 'Europe/Paris', 'UTC, or a zone without daylight saving time'],
  ['a rule schedule that is not cron', { backupPlan: { rules: [rule({ schedule: { expression: 'every day' } })] } },
    'backupPlan.rules[0].schedule.expression', 'every day', 'a 5-field cron expression'],

  // Copies
  ['a region copy without a region', { ...AWS, copies: [{ destination: 'region', retentionDays: 35 }] }, 'copies[0].region', undefined,
    'an AWS region such as "eu-west-1" (a region copy needs one)'],
  ['a region copy into the source region', { ...AWS, copies: [{ destination: 'region', region: 'eu-west-1', retentionDays: 35 }] }, 'copies[0].region', 'eu-west-1',
    'a region other than the source region "eu-west-1"'],
  ['an account copy without an account', { copies: [{ destination: 'account', retentionDays: 35 }] }, 'copies[0].account', undefined,
    'a 12-digit AWS account id (an account copy needs one)'],
  ['a 5-digit account', { copies: [{ destination: 'account', account: '12345', retentionDays: 35 }] }, 'copies[0].account', '12345', 'a 12-digit AWS account id'],
  ['an AWS account on Azure', azure({ copies: [{ destination: 'account', account: '123456789012', retentionDays: 35 }] }), 'copies[0].account', '123456789012',
    'an Azure subscription id (a GUID)'],
  ['a copy to another cloud', { copies: [{ destination: 'cloud' as never, retentionDays: 35 }] }, 'copies[0].destination', 'cloud', 'one of: region, account'],
  ['a copy kept no day', { copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 0 }] }, 'copies[0].retentionDays', 0, 'an integer from 1 to 36500 days'],
  ['a copy kept longer than AWS Backup keeps anything', { copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 40_000 }] }, 'copies[0].retentionDays',
    40_000, 'an integer from 1 to 36500 days'],
  ['a copy region that is a continent', { copies: [{ destination: 'region', region: 'Europe', retentionDays: 7 }] }, 'copies[0].region', 'Europe', 'an AWS region'],

  // PITR
  ['a PITR window of no day', { pitr: { windowDays: 0 } }, 'pitr.windowDays', 0, 'an integer from 1 to 36500 days'],
  ['a PITR window longer than any lifecycle rule keeps WAL', { pitr: { windowDays: 40_000 } }, 'pitr.windowDays', 40_000, 'an integer from 1 to 36500 days'],
  ['a PITR window whose WAL outlasts any lifecycle rule', { pitr: { windowDays: 20_000, retainFull: 3000, expireBy: 'lifecycle' } }, 'pitr.windowDays', 20_000,
    'an integer from 1 to 15500 days with these full backups'],
  ['archive_timeout under 30 s', { pitr: { archiveTimeoutSeconds: 10 } }, 'pitr.archiveTimeoutSeconds', 10, 'an integer from 30 to 3600 seconds'],
  ['archive_timeout over an hour', { pitr: { archiveTimeoutSeconds: 7200 } }, 'pitr.archiveTimeoutSeconds', 7200, 'an integer from 30 to 3600 seconds'],
  ['a negative archive_timeout even when allowed outside the range', { pitr: { archiveTimeoutSeconds: -1, allowArchiveTimeoutOutsideRange: true } },
    'pitr.archiveTimeoutSeconds', -1, 'an integer from 0 to 1073741823 seconds'],
  ['no full backup kept', { pitr: { retainFull: 0 } }, 'pitr.retainFull', 0, 'an integer from 1 to 9999999'],
  ['too few fulls for the window', { pitr: { windowDays: 14, retainFull: 2 } }, 'pitr.retainFull', 2, 'an integer of at least 3'],
  ['the default two fulls for a 14-day window', { pitr: { windowDays: 14 } }, 'pitr.retainFull', 2, 'an integer of at least 3'],
  ['an unknown archiver', { pitr: { archiver: 'pg_probackup' as never } }, 'pitr.archiver', 'pg_probackup', 'one of: pgbackrest, wal-g, barman-cloud, archive-command'],
  ['an unknown expiry', { pitr: { expireBy: 'manual' as never } }, 'pitr.expireBy', 'manual', 'one of: archiver, lifecycle'],
  ['archiver expiry with a plain archive_command', { pitr: { archiver: 'archive-command', expireBy: 'archiver' } }, 'pitr.expireBy', 'archiver',
    '"lifecycle" with archiver "archive-command"'],
  ['pgBackRest\'s default expiry under Object Lock', { pitr: {}, immutability: { days: 7 } }, 'pitr.expireBy', 'archiver', '"lifecycle" when immutability is set'],
  ['explicit archiver expiry under Object Lock', { pitr: { archiver: 'wal-g', expireBy: 'archiver' }, immutability: { days: 7 } }, 'pitr.expireBy', 'archiver',
    '"lifecycle" when immutability is set'],
  ['WAL kept less than the oldest full needs', { pitr: { walRetentionDays: 20 } }, 'pitr.walRetentionDays', 20, 'an integer of at least 21 days'],
  ['WAL kept less than 3 weekly fulls and a 14-day window need', { pitr: { windowDays: 14, retainFull: 3, walRetentionDays: 34 } }, 'pitr.walRetentionDays', 34,
    'an integer of at least 35 days'],
  ['WAL kept no day', { pitr: { walRetentionDays: 0 } }, 'pitr.walRetentionDays', 0, 'an integer from 1 to 36500 days'],
  ['WAL kept longer than any lifecycle rule', { pitr: { walRetentionDays: 36_501 } }, 'pitr.walRetentionDays', 36_501, 'an integer from 1 to 36500 days'],
  ['a full-backup schedule that is not cron', { pitr: { fullBackupSchedule: { expression: 'weekly' } } }, 'pitr.fullBackupSchedule.expression', 'weekly',
    'a 5-field cron expression'],
  ['a diff-backup schedule in an unknown zone', { pitr: { diffBackupSchedule: { expression: '0 1 * * 1-6', timezone: 'Atlantis' } } },
    'pitr.diffBackupSchedule.timezone', 'Atlantis', 'an IANA time zone name'],

  // Verification
  ['a zero RTO', { verification: { maxRestoreDurationMinutes: 0 } }, 'verification.maxRestoreDurationMinutes', 0, 'an integer from 1 to 10080 minutes'],
  ['an RTO over a week', { verification: { maxRestoreDurationMinutes: 20_000 } }, 'verification.maxRestoreDurationMinutes', 20_000, 'an integer from 1 to 10080 minutes'],
  ['an empty SQL check', { verification: { checks: ['select true', ''] } }, 'verification.checks[1]', '', 'a non-empty query'],
  ['an SQL check listed twice', { verification: { checks: ['select true', 'select true'] } }, 'verification.checks[1]', 'select true',
    'a query not listed before (verification.checks[0] has it)'],
  ['a misspelt verification option', { verification: { check: ['select true'] } as never }, 'verification.check', ['select true'],
    'an option verification takes: schedule, checks, maxRestoreDurationMinutes'],
  ['a drill schedule with seconds', { verification: { schedule: { expression: '0 0 6 * * 1' } } }, 'verification.schedule.expression', '0 0 6 * * 1',
    'a 5-field cron expression'],

  // Alarms
  ['an RPO of zero hours', { alarms: { rpoHours: 0 } }, 'alarms.rpoHours', 0, 'an integer from 1 to 8784 hours'],
  ['an RPO shorter than the gap between daily dumps', { logicalDump: {}, alarms: { rpoHours: 12 } }, 'alarms.rpoHours', 12, 'an integer from 24 to 8784 hours'],
  ['an RPO shorter than the gap between weekly snapshots', { backupPlan: { rules: [rule({ frequency: 'weekly', retentionDays: 35 })] }, alarms: { rpoHours: 48 } },
    'alarms.rpoHours', 48, 'an integer from 168 to 8784 hours'],
  ['an empty notification target', { alarms: { notificationTarget: '' } }, 'alarms.notificationTarget', '', 'a topic ARN or action group id'],

  // Immutability
  ['a lock of no day', { immutability: { days: 0 } }, 'immutability.days', 0, 'an integer from 1 to 36500 days'],
  ['an unknown lock mode', { immutability: { mode: 'legal-hold' as never, days: 7 } }, 'immutability.mode', 'legal-hold', 'one of: governance, compliance'],
  ['a lock longer than the default dump retention', { logicalDump: {}, immutability: { days: 40 } }, 'immutability.days', 40,
    'an integer from 1 to 30 days (logicalDump.retentionDays (default))'],
  ['a lock longer than the dump retention', { logicalDump: { retentionDays: 14 }, immutability: { days: 15 } }, 'immutability.days', 15,
    'an integer from 1 to 14 days (logicalDump.retentionDays)'],
  ['a vault lock longer than a rule\'s retention', { backupPlan: { rules: [rule({ retentionDays: 14 })] }, immutability: { days: 20 } }, 'immutability.days', 20,
    'an integer from 1 to 14 days (backupPlan.rules[0].retentionDays)'],
  ['a vault lock longer than continuous backup', { backupPlan: { continuousBackupRetentionDays: 7 }, immutability: { days: 10 } }, 'immutability.days', 10,
    'an integer from 1 to 7 days (backupPlan.continuousBackupRetentionDays)'],
  ['a vault lock longer than a copy\'s retention', { copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 7 }], immutability: { days: 10 } },
    'immutability.days', 10, 'an integer from 1 to 7 days (copies[0].retentionDays)'],
];

describe('validatePolicy rejects bad input', () => {
  test('covers at least 70 bad inputs', () => {
    expect(badPolicies.length).toBeGreaterThanOrEqual(70);
  });

  test.each(badPolicies)('rejects %s', (_name, policy, path, value, allowed) => {
    let thrown: unknown;
    try {
      validatePolicy(policy);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    const lines = (thrown as PolicyValidationError).message.split('\n');
    const line = lines.find((candidate) => candidate.includes(`${path} is ${formatValue(value)}; allowed: `));
    expect(line).toBeDefined();
    expect(line).toContain(allowed);
    expect((thrown as PolicyValidationError).issues).toContainEqual(expect.objectContaining({ path, value }));
  });
});

describe('validatePolicy reports every problem at once', () => {
  test('lists each problem of a policy with several, one a line', () => {
    const policy: BackupPolicy = {
      logicalDump: { jobs: 4, compression: 'zstd:30', retentionDays: 0 },
      managedSnapshots: { backupRetentionDays: 50 },
      copies: [{ destination: 'account', account: 'abc', retentionDays: 7 }],
      pitr: { archiveTimeoutSeconds: 5 },
    };
    expect(() => validatePolicy(policy)).toThrow(/Invalid backup policy \(6 problems\)/);
    expect(checkPolicy(policy).map((issue) => issue.path)).toEqual([
      'logicalDump.compression',
      'logicalDump.retentionDays',
      'logicalDump.jobs',
      'managedSnapshots.backupRetentionDays',
      'copies[0].account',
      'pitr.archiveTimeoutSeconds',
    ]);
  });

  test('checkPolicy returns the same problems without throwing', () => {
    const issues = checkPolicy({ logicalDump: { jobs: 0 }, verification: { maxRestoreDurationMinutes: 0 } });
    expect(issues).toEqual([
      { path: 'logicalDump.jobs', value: 0, allowed: 'an integer from 1 to 64' },
      { path: 'verification.maxRestoreDurationMinutes', value: 0, allowed: 'an integer from 1 to 10080 minutes' },
    ]);
  });
});

describe('validatePolicy skips values that are not known yet', () => {
  const TOKEN_NUMBER = -1.8881545897087626e+289;
  const isUnresolved = (value: unknown) => (typeof value === 'string' && value.startsWith('${Token[')) || value === TOKEN_NUMBER;
  const token = (id: number) => `\${Token[TOKEN.${id}]}`;

  const unresolved: Array<[string, BackupPolicy]> = [
    ['a job count', { logicalDump: { jobs: TOKEN_NUMBER } }],
    ['a format, with parallel jobs', { logicalDump: { jobs: 4, format: token(1) as never } }],
    ['a dump retention', { logicalDump: { retentionDays: TOKEN_NUMBER } }],
    ['a compression', { logicalDump: { compression: token(2) } }],
    ['a schedule expression', dumpAt(token(3))],
    ['a schedule time zone, on Azure', azure(dumpAt('0 2 * * *', token(4)))],
    ['a backup window next to the maintenance window', { managedSnapshots: { preferredBackupWindow: token(5), preferredMaintenanceWindow: 'sun:05:00-sun:06:00' } }],
    ['the source region of a region copy', { sourceRegion: token(6), copies: [{ destination: 'region', region: 'eu-west-1', retentionDays: 7 }] }],
    ['the region of a copy', { ...AWS, copies: [{ destination: 'region', region: token(7), retentionDays: 7 }] }],
    ['the account of a copy', { copies: [{ destination: 'account', account: token(8), retentionDays: 7 }] }],
    ['a rule retention under a vault lock', { backupPlan: { rules: [rule({ retentionDays: TOKEN_NUMBER })] }, immutability: { days: 30 } }],
    ['the lock days', { backupPlan: { rules: [rule({ retentionDays: 7 })] }, immutability: { days: TOKEN_NUMBER } }],
    ['the WAL retention', { pitr: { walRetentionDays: TOKEN_NUMBER } }],
    ['the full-backup schedule the WAL rule depends on', { pitr: { fullBackupSchedule: { expression: token(9) }, walRetentionDays: 1 } }],
    ['the PITR window the WAL rule depends on', { pitr: { windowDays: TOKEN_NUMBER, walRetentionDays: 1 } }],
    ['the RPO', { logicalDump: {}, alarms: { rpoHours: TOKEN_NUMBER } }],
    ['the dump schedule the RPO rule depends on', { logicalDump: { schedule: { expression: token(10) } }, alarms: { rpoHours: 1 } }],
  ];

  test.each(unresolved)('skips %s', (_name, policy) => {
    expect(checkPolicy(policy, { isUnresolved })).toEqual([]);
  });

  test.each(unresolved)('would have reported %s, had it been a literal', (_name, policy) => {
    expect(checkPolicy(policy).length).toBeGreaterThan(0);
  });
});

describe('validatePolicy accepts good policies', () => {
  const good: Array<[string, BackupPolicy]> = [
    ['an empty policy', {}],
    ['every section at its defaults', { logicalDump: {}, managedSnapshots: {}, backupPlan: {}, pitr: {}, verification: {}, alarms: {} }],
    ['a fully written policy', {
      platform: 'aws',
      sourceRegion: 'eu-west-1',
      logicalDump: {
        schedule: { expression: '30 1 * * *', timezone: 'Europe/Berlin' },
        format: 'directory',
        jobs: 8,
        compression: 'zstd:3',
        tables: ['public.orders'],
        excludeTables: ['public.audit_*'],
        schemas: ['public'],
        excludeSchemas: ['scratch'],
        noOwner: true,
        noAcl: true,
        includeGlobals: true,
        retentionDays: 30,
        lockWaitTimeoutSeconds: 120,
        rowCounts: 'estimate',
      },
      managedSnapshots: { backupRetentionDays: 35, preferredBackupWindow: '03:00-03:30', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' },
      backupPlan: {
        rules: [rule({ retentionDays: 30 }), { name: 'monthly', frequency: 'monthly', retentionDays: 365 }],
        continuousBackupRetentionDays: 35,
      },
      copies: [
        { destination: 'region', region: 'eu-central-1', retentionDays: 30 },
        { destination: 'account', account: '123456789012', retentionDays: 30 },
      ],
      pitr: { windowDays: 14, retainFull: 3, walRetentionDays: 35, archiver: 'wal-g', expireBy: 'lifecycle' },
      verification: { schedule: { expression: '0 6 * * 1' }, checks: ['select count(*) > 0 from orders'], maxRestoreDurationMinutes: 90 },
      alarms: { rpoHours: 26, notificationTarget: 'arn:aws:sns:eu-west-1:123456789012:backups' },
      immutability: { mode: 'compliance', days: 30 },
    }],
    ['a backup window that ends as maintenance starts', { managedSnapshots: { preferredBackupWindow: '04:30-05:00', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' } }],
    ['WAL kept exactly the minimum', { pitr: { walRetentionDays: 21 } }],
    ['an AWS Backup rule every hour, the most often AWS Backup runs one', { backupPlan: { rules: [rule({ frequency: 'hourly', schedule: { expression: '30 * * * *' } })] } }],
    ['an AWS Backup rule at 23:30 and 00:30, an hour apart', { backupPlan: { rules: [rule({ schedule: { expression: '30 0,23 * * *' } })] } }],
    ['a lock exactly as long as the shortest retention', { logicalDump: { retentionDays: 14 }, immutability: { days: 14 } }],
    ['an archive_timeout of 10 s when allowed', { pitr: { archiveTimeoutSeconds: 10, allowArchiveTimeoutOutsideRange: true } }],
    ['an Azure job in a fixed-offset zone', azure({ logicalDump: { schedule: { expression: '0 2 * * 1-5', timezone: 'Asia/Tokyo' } }, sourceRegion: 'japaneast' })],
    ['an Azure account copy to a subscription', azure({ copies: [{ destination: 'account', account: '0a1b2c3d-0000-4000-8000-00000000abcd', retentionDays: 7 }] })],
    ['a self-hosted copy to an AWS region', { platform: 'self-hosted', sourceRegion: 'eu-west-1', copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 7 }] }],
  ];

  test.each(good)('accepts %s', (_name, policy) => {
    expect(checkPolicy(policy)).toEqual([]);
    expect(() => validatePolicy(policy)).not.toThrow();
  });

  const tiers = [BackupTier.GOLD, BackupTier.SILVER, BackupTier.BRONZE];
  test.each(tiers.map((tier) => [tier.name, tier]))('accepts the %s tier on AWS, Azure and self-hosted', (_name, tier) => {
    expect(checkPolicy(tier.policy({ platform: 'aws', sourceRegion: 'eu-west-1', copyRegion: 'eu-central-1', copyAccount: '123456789012' }))).toEqual([]);
    expect(checkPolicy(tier.policy({
      platform: 'azure', sourceRegion: 'westeurope', copyRegion: 'northeurope', copyAccount: '0a1b2c3d-0000-4000-8000-00000000abcd',
    }))).toEqual([]);
    expect(checkPolicy(tier.policy({ platform: 'self-hosted', sourceRegion: 'eu-west-1', copyRegion: 'eu-central-1', copyAccount: '123456789012' }))).toEqual([]);
  });
});

describe('checkPolicy with prop paths reports every path as the construct\'s props spell it', () => {
  const paths = { 'logicalDump': 'dump', 'immutability': 'objectLock', 'alarms.rpoHours': 'rpoHours', 'managedSnapshots': '' };
  test.each<[string, BackupPolicy, string]>([
    ['a prop renamed as a whole', { logicalDump: { jobs: 0 } }, 'dump.jobs is 0; allowed: an integer from 1 to 64'],
    ['a nested prop of a renamed one', { logicalDump: { schedule: { expression: 'daily' } } }, 'dump.schedule.expression is "daily"'],
    ['an entry of a list inside a renamed prop', { logicalDump: { schemas: ['sales', ''] } }, 'dump.schemas[1] is ""; allowed: a non-empty name'],
    ['one field moved to the top level', { alarms: { rpoHours: 0 } }, 'rpoHours is 0; allowed: an integer from 1 to 8784 hours'],
    ['a part whose fields are all top-level props', { managedSnapshots: { backupRetentionDays: 40 } }, 'backupRetentionDays is 40; allowed: an integer from 1 to 35 days'],
    ['a prop no path covers, unchanged', { backupPlan: { rules: [rule(), rule({ name: 'weekly', retentionDays: 0 })] } },
      'backupPlan.rules[1].retentionDays is 0; allowed: an integer from 1 to 36500 days'],
    ['another prop named in the allowed range', { logicalDump: { retentionDays: 10 }, immutability: { days: 20 } },
      'objectLock.days is 20; allowed: an integer from 1 to 10 days (dump.retentionDays)'],
    ['another prop named in the reason', { logicalDump: {}, alarms: { rpoHours: 3 } }, 'rpoHours is 3; allowed: an integer from 24 to 8784 hours (dump.schedule runs up to 24 hours apart'],
  ])('%s', (_case, policy, message) => {
    const issues = checkPolicy({ ...AWS, ...policy }, { propPaths: paths });
    expect(issues.map((issue) => `${issue.path} is ${formatValue(issue.value)}; allowed: ${issue.allowed}${issue.reason ? ` (${issue.reason})` : ''}`))
      .toEqual([expect.stringContaining(message)]);
  });

  test('the error names the construct on every line', () => {
    const error = new PolicyValidationError(checkPolicy({ logicalDump: { jobs: 0, retentionDays: 0 } }, { propPaths: paths }), 'Backups/NightlyDump');
    expect(error.message).toBe('Invalid backup policy (2 problems):\n'
      + '  - Backups/NightlyDump: dump.jobs is 0; allowed: an integer from 1 to 64\n'
      + '  - Backups/NightlyDump: dump.retentionDays is 0; allowed: an integer from 1 to 36500 days');
    expect(error.construct).toBe('Backups/NightlyDump');
  });
});
