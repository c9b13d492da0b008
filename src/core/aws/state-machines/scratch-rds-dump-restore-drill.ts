import { AslResource, AslState, intrinsicStringLiteral } from './asl';
import { RDS_SCRATCH_INSTANCE_IAM_ACTIONS } from './drill-iam-actions';
import { DrillStateName, catchAll, ecsDrillTaskStates, initializeState, restoreTaskTimeoutSeconds, runnerArgv } from './drill-states';
import { DrillPlaceholder, RestoreDrillOptions, RestoreDrillStateMachine, resolveRestoreDrillOptions } from './restore-drill-options';
import { restoreDrillStateMachine } from './restore-drill-state-machine';
import {
  SCRATCH_PLACEMENT, SCRATCH_TAGS, ScratchDatabaseStateName, resolveScratchDatabaseOptions, scratchDatabaseLongestPathSeconds,
  scratchDatabaseStates, scratchIdentifiers,
} from './scratch-database-states';
import { Validator } from '../../policy/validation';

/** Where a dump drill restores: the task's own scratch server, a scratch RDS instance, or whichever the backup's size needs. */
export type DumpRestoreTarget = 'task' | 'scratch-rds' | 'auto';

/** The master user of a scratch instance; RDS keeps its password in a secret it manages (`MasterUserSecret`). */
export const SCRATCH_RDS_MASTER_USERNAME = 'drill_master';

/**
 * The environment variable in which the verify task of a scratch RDS instance gets the ARN of the instance's
 * RDS-managed master secret; `pg-backup verify` reads the target's user and password from that secret.
 */
export const TARGET_SECRET_ARN_ENV = 'PG_BACKUP_TARGET_SECRET_ARN';

/** The allocated storages a scratch instance is given, GiB, between the minimum and the maximum. */
const STORAGE_LADDER_GIB = [
  20, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12_000, 16_384, 24_000, 32_768, 49_152, 65_536,
];

/** The ceiling of a scratch instance's allocated storage when none is given, GiB. */
export const DEFAULT_MAX_SCRATCH_STORAGE_GIB = 16_384;

/** GiB, for the sizing arithmetic. */
const GIB = 1024 ** 3;

/** Options of the dump restore drill into a scratch RDS instance. */
export interface ScratchRdsDumpRestoreDrillOptions extends RestoreDrillOptions {
  /**
   * `scratch-rds`: always restore into a scratch RDS instance; `auto`: restore in the task when the backup fits its
   * disk ({@link taskEphemeralStorageGiB}), else into a scratch RDS instance.
   * @default 'scratch-rds'
   */
  readonly restoreTarget?: Exclude<DumpRestoreTarget, 'task'>;
  /**
   * Instance class of the scratch instance: it runs the restore's `pg_restore -j` and the checks.
   * @default 'db.m6g.large'
   */
  readonly scratchInstanceClass?: string;
  /**
   * Prefix of scratch identifiers (`<prefix>-<md5 of the execution name>`); IAM policies scope deletes to it.
   * @default 'pg-drill'
   */
  readonly scratchIdentifierPrefix?: string;
  /**
   * Allocated storage of the scratch instance as a percentage of the source database's size in the manifest
   * (`server.databaseSizeBytes`), before {@link minAllocatedStorageGiB} and {@link maxAllocatedStorageGiB} bound it.
   * @default 150
   */
  readonly storageHeadroomPercent?: number;
  /**
   * Smallest allocated storage, GiB (gp3 starts at 20).
   * @default 20
   */
  readonly minAllocatedStorageGiB?: number;
  /**
   * Largest allocated storage, GiB: a manifest claiming more fails the drill before anything is created.
   * @default 16384
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * The verify task's ephemeral storage, GiB: with `auto`, a backup whose download plus restored database would not
   * fit it (with a quarter of headroom) is restored into a scratch RDS instance.
   * @default 50
   */
  readonly taskEphemeralStorageGiB?: number;
  /**
   * Seconds between two checks of whether the scratch instance is available.
   * @default 60
   */
  readonly pollIntervalSeconds?: number;
  /**
   * Checks before the drill gives up on the scratch instance ("never became available").
   * @default - enough polls to cover maxRestoreDurationSeconds
   */
  readonly maxPolls?: number;
}

/** Names of this drill's own states (the scratch instance's are in {@link ScratchDatabaseStateName}). */
export const ScratchRdsDumpRestoreDrillStateName = {
  READ_LATEST: 'Read latest pointer',
  READ_MANIFEST: 'Read backup manifest',
  SIZE: 'Size scratch instance',
  RECORD_TOO_LARGE: 'Record backup too large',
  FITS_TASK: 'Does the backup fit the task?',
  RUN_VERIFY_IN_TASK: 'Run verify task',
  ...ScratchDatabaseStateName,
} as const;

/**
 * The dump restore drill of a database too large for the task's disk: read the `latest` pointer and the manifest of
 * the dump from S3, size an empty scratch RDS PostgreSQL of the dump's major from `server.databaseSizeBytes` (storage
 * with headroom, bounded), create it in the drill's isolated subnets with its own security group and a master password
 * RDS keeps in Secrets Manager, wait for it within the bound, run `pg-backup verify` of that backup into it (the task
 * gets `PGHOST`, `PGPORT`, `PGSSLMODE=require` and the secret's ARN in `PG_BACKUP_TARGET_SECRET_ARN`), and delete it
 * (no final snapshot, no deletion protection) on every path that may have created it; then the same metrics and
 * notification as every drill, under `Drill=dump`.
 *
 * With `restoreTarget: 'auto'` a backup that fits the task's disk is restored in the task as by the plain dump drill.
 */
export function scratchRdsDumpRestoreDrill(options: ScratchRdsDumpRestoreDrillOptions = {}): RestoreDrillStateMachine {
  const validator = new Validator();
  const resolved = resolveRestoreDrillOptions(options, validator);
  validator.oneOf('restoreTarget', options.restoreTarget, ['scratch-rds', 'auto']);
  validator.integer('storageHeadroomPercent', options.storageHeadroomPercent, 100, 1000, 'percent');
  validator.integer('minAllocatedStorageGiB', options.minAllocatedStorageGiB, 20, 65_536, 'GiB');
  validator.integer('maxAllocatedStorageGiB', options.maxAllocatedStorageGiB, options.minAllocatedStorageGiB ?? 20, 65_536, 'GiB');
  validator.integer('taskEphemeralStorageGiB', options.taskEphemeralStorageGiB, 21, 200, 'GiB');
  const scratch = resolveScratchDatabaseOptions({
    source: 'instance',
    scratchInstanceClass: options.scratchInstanceClass ?? 'db.m6g.large',
    scratchIdentifierPrefix: options.scratchIdentifierPrefix,
    pollIntervalSeconds: options.pollIntervalSeconds,
    maxPolls: options.maxPolls,
    // Replaced below by the verify command, which names the backup and the scratch endpoint from the state data.
    checksArgs: ['verify'],
  }, resolved, validator);
  validator.throwIfInvalid();

  const names = ScratchRdsDumpRestoreDrillStateName;
  const auto = options.restoreTarget === 'auto';
  const api = resolved.apiCallTimeoutSeconds;
  const headroom = (options.storageHeadroomPercent ?? 150) / 100;
  const minStorage = options.minAllocatedStorageGiB ?? 20;
  const maxStorage = options.maxAllocatedStorageGiB ?? DEFAULT_MAX_SCRATCH_STORAGE_GIB;
  const taskDisk = options.taskEphemeralStorageGiB ?? 50;
  const ladder = [...new Set([minStorage, ...STORAGE_LADDER_GIB.filter((gib) => gib > minStorage && gib < maxStorage), maxStorage])];
  const sizeState = (gib: number) => `Use ${gib} GiB of storage`;
  const databaseFolder = `\${${DrillPlaceholder.DUMP_DATABASE_FOLDER}}`;
  const getObject = AslResource.awsSdk('s3', 'getObject');
  // The verify task restores the backup the manifest was read from, not whatever is latest by then.
  const verifyCommand = runnerArgv(resolved, [
    'verify', '--from', `\${${DrillPlaceholder.DUMP_LOCATION}}`, '--backup', 'BACKUP_ID', '--target-url', 'TARGET_URL',
  ]);
  const commandExpression = (targetUrl: string) => `States.Array(${verifyCommand.map((arg) => {
    if (arg === 'BACKUP_ID') return '$.backup.manifest.backupId';
    if (arg === 'TARGET_URL') return targetUrl;
    return intrinsicStringLiteral(arg);
  }).join(', ')})`;

  const scratchStates = scratchDatabaseStates(resolved, scratch, {
    restoreInstance: {
      action: 'createDBInstance',
      parameters: {
        'DbInstanceIdentifier.$': '$.drill.scratchInstanceIdentifier',
        'DbInstanceClass': scratch.instanceClass,
        'Engine': 'postgres',
        'EngineVersion.$': '$.sizing.engineVersion',
        'AllocatedStorage.$': '$.sizing.allocatedStorageGiB',
        'StorageType': 'gp3',
        'StorageEncrypted': true,
        'MasterUsername': SCRATCH_RDS_MASTER_USERNAME,
        'ManageMasterUserPassword': true,
        ...SCRATCH_PLACEMENT,
        'PubliclyAccessible': false,
        'MultiAZ': false,
        'DeletionProtection': false,
        // No automated backups: the instance lives for one drill, and none outlives its deletion.
        'BackupRetentionPeriod': 0,
        'CopyTagsToSnapshot': false,
        'Tags': SCRATCH_TAGS,
      },
    },
    restoredFrom: { words: 'created for backup', path: '$.backup.manifest.backupId' },
    checksEnvironment: {
      PGSSLMODE: '$.sizing.sslMode',
      [TARGET_SECRET_ARN_ENV]: '$.scratch.instance.MasterUserSecret.SecretArn',
    },
  });
  // The checks task of the shared states runs verify of the backup read above, against the scratch endpoint.
  type RunTaskState = { Parameters: { Overrides: { ContainerOverrides: Array<Record<string, unknown>> } } };
  const runChecks = scratchStates[names.RUN_CHECKS] as unknown as RunTaskState;
  const override = runChecks.Parameters.Overrides.ContainerOverrides[0];
  delete override.Command;
  override['Command.$'] = commandExpression(
    `States.Format('postgresql://${SCRATCH_RDS_MASTER_USERNAME}@{}:{}/postgres', $.scratch.instance.Endpoint.Address, $.scratch.instance.Endpoint.Port)`,
  );

  const states: Record<string, AslState> = {
    [DrillStateName.INITIALIZE]: initializeState(names.READ_LATEST, scratchIdentifiers(scratch)),
    [names.READ_LATEST]: {
      Type: 'Task',
      Resource: getObject,
      Parameters: { Bucket: `\${${DrillPlaceholder.DUMP_BUCKET}}`, Key: `${databaseFolder}/latest` },
      ResultSelector: { 'pointer.$': 'States.StringToJson($.Body)' },
      ResultPath: '$.latest',
      TimeoutSeconds: api,
      Catch: catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
      Next: names.READ_MANIFEST,
    },
    [names.READ_MANIFEST]: {
      Type: 'Task',
      Resource: getObject,
      Parameters: {
        'Bucket': `\${${DrillPlaceholder.DUMP_BUCKET}}`,
        'Key.$': `States.Format('${databaseFolder}/{}/manifest.json', $.latest.pointer.backupId)`,
      },
      ResultSelector: { 'manifest.$': 'States.StringToJson($.Body)' },
      ResultPath: '$.backup',
      TimeoutSeconds: api,
      Catch: catchAll(DrillStateName.PUBLISH_FAILURE_METRIC),
      Next: names.SIZE,
    },
    // JSONPath has no multiplication, so the storage is chosen from a ladder of sizes computed here: the smallest whose
    // share (after the headroom) holds the database. The engine is the dump server's major.
    [names.SIZE]: {
      Type: 'Choice',
      Choices: ladder.map((gib) => ({
        Variable: '$.backup.manifest.server.databaseSizeBytes', NumericLessThanEquals: Math.floor((gib * GIB) / headroom), Next: sizeState(gib),
      })),
      Default: names.RECORD_TOO_LARGE,
    },
    ...Object.fromEntries(ladder.map((gib) => [sizeState(gib), {
      Type: 'Pass',
      Parameters: {
        'allocatedStorageGiB': gib,
        'engineVersion.$': "States.ArrayGetItem(States.StringSplit($.backup.manifest.server.version, '.'), 0)",
        'sslMode': 'require',
      },
      ResultPath: '$.sizing',
      Next: auto ? names.FITS_TASK : names.RESTORE_INSTANCE,
    } satisfies AslState])),
    [names.RECORD_TOO_LARGE]: {
      Type: 'Pass',
      Parameters: {
        'Error': 'RestoreDrill.BackupTooLarge',
        'Cause.$': `States.Format('Backup {} of {} is of a database of {} bytes, which with ${headroom * 100} percent headroom needs more `
          + `scratch storage than maxAllocatedStorageGiB (${maxStorage})', $.backup.manifest.backupId, $.backup.manifest.database, `
          + '$.backup.manifest.server.databaseSizeBytes)',
      },
      ResultPath: '$.error',
      Next: DrillStateName.PUBLISH_FAILURE_METRIC,
    },
    ...(auto
      ? {
        [names.FITS_TASK]: {
          Type: 'Choice',
          // The download and the restored database, each at most the database's size, with a quarter of headroom.
          Choices: [{
            Variable: '$.backup.manifest.server.databaseSizeBytes', NumericLessThanEquals: Math.floor((taskDisk * GIB) / 2.5), Next: names.RUN_VERIFY_IN_TASK,
          }],
          Default: names.RESTORE_INSTANCE,
        },
        ...ecsDrillTaskStates(resolved, {
          runState: names.RUN_VERIFY_IN_TASK,
          taskLabel: 'verify task',
          commandExpression: commandExpression(intrinsicStringLiteral(`\${${DrillPlaceholder.TARGET_URL}}`)),
          timeoutSeconds: restoreTaskTimeoutSeconds(resolved),
          next: DrillStateName.MEASURE_RESTORE,
          afterStop: DrillStateName.PUBLISH_FAILURE_METRIC,
        }),
      }
      : {}),
    ...scratchStates,
  };

  // Two reads, the create, every poll, the verify task, the deletes, then list + stop + three metrics + notification.
  const longestPath = 9 * api + scratchDatabaseLongestPathSeconds(resolved, scratch);
  return restoreDrillStateMachine(resolved, {
    comment: auto
      ? 'Restore the latest pg_dump in the task when it fits its disk, else into a scratch RDS instance sized from its manifest; check it; delete the instance'
      : 'Restore the latest pg_dump into a scratch RDS instance sized from its manifest, check it, and delete the instance',
    states,
    kind: 'dump',
    // The backup the drill chose: the `latest` pointer's, once it is read.
    restored: { backupId: '$.latest.pointer.backupId' },
    longestPathSeconds: longestPath,
    marginSeconds: 600,
    iamActions: RDS_SCRATCH_INSTANCE_IAM_ACTIONS,
  });
}
