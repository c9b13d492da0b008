import * as app from '@pulumi/azure-native/app';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as monitor from '@pulumi/azure-native/monitor';
import * as pulumi from '@pulumi/pulumi';
import { BackupAlertDestination, checkAlertDestination, resolveActionGroup } from './backup-action-group';
import { BackupStorage, BackupStorageProps, checkBackupStorage } from './backup-storage';
import { AGE_IDENTITY_SECRET_NAME, DumpEncryption } from './dump-encryption';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';
import { failedExecutionAlert } from './failed-execution-alert';
import { replicationPendingAlert } from './offsite-blob-replica';
import { createPruneJobs } from './prune-jobs';
import {
  DRILL_CHECKS_DIRECTORY, DRILL_SIGNAL_DIRECTORY, drillCheckFileName, restoreDrillCommand, SCRATCH_POSTGRES_SCRIPT,
} from './restore-drill-containers';
import { AZURE_BUILT_IN_ROLES, accountAndContainerOf, nameBasedGuid, resourceGroupIdOf, roleDefinitionIdFor } from './role-definitions';
import {
  DATABASE_PASSWORD_SECRET_NAME, FlexibleServerConnection, keyVaultSecretScope, runnerDatabaseUrl,
} from './runner-connection';
import { storageRunnerJob } from './storage-runner-job';
import { estimateAzureDumpCost } from '../../core/azure/azure-dump-cost';
import { azureDumpProtections } from '../../core/azure/azure-protections';
import { BLOB_DELETE_DATA_ACTION, DUMP_WRITER_BLOB_DATA_ACTIONS, DUMP_WRITER_ROLE_DESCRIPTION } from '../../core/azure/blob-data-actions';
import { AZURE_SCHEDULED_PG_DUMP_LITERAL_PROPS } from '../../core/azure/literal-props';
import { resolveBackupRetention } from '../../core/policy/backup-retention';
import { AZURE_DUMP_STORAGE_PROP_PATHS, AZURE_SCHEDULED_PG_DUMP_PROP_PATHS } from '../../core/policy/construct-prop-paths';
import { CostEstimate, DatabaseSizeInputs } from '../../core/policy/cost-estimate';
import { checkDatabaseNames } from '../../core/policy/database-name';
import { DatabaseProtection, PROTECTIONS_OUTPUT, costEstimateProtection } from '../../core/policy/database-protection';
import { defaultRpoHours, resolveLogicalDump, resolveVerification } from '../../core/policy/defaults';
import { checkDrillAgeWindow } from '../../core/policy/drill-age-window';
import { AGE_IDENTITY_ENV, checkDrillIdentitySecret, checkDumpEncryption, dumpEncryptionEnvironment } from '../../core/policy/dump-encryption';
import { LifecycleTransition } from '../../core/policy/lifecycle-rules';
import { ImmutabilityPolicy, LogicalDumpPolicy, VerificationPolicy } from '../../core/policy/policy';
import { renderAzureJobCron } from '../../core/policy/schedule';
import { checkPolicy } from '../../core/policy/validate-policy';
import { Validator } from '../../core/policy/validation';
import { runnerDumpArgv, runnerStatusArgv } from '../../core/postgres/runner-argv';

/** Name of the runner container in the jobs. */
export const RUNNER_CONTAINER_NAME = 'pg-backup';
/** Name of the scratch PostgreSQL container of the restore drill. */
export const SCRATCH_POSTGRES_CONTAINER_NAME = 'scratch-postgres';

/** A private registry the runner image is pulled from with the job's identity. */
export interface RunnerImageRegistry {
  /** Login server, e.g. `myregistry.azurecr.io`. */
  readonly server: pulumi.Input<string>;
  /**
   * Resource id of the Azure Container Registry, to grant the job's identity `AcrPull` on it.
   * @default - no role assignment: the identity is already allowed to pull
   */
  readonly registryId?: pulumi.Input<string>;
}

/** Props of {@link ScheduledPgDump}. */
export interface ScheduledPgDumpProps {
  /** Resource group of every resource created. */
  readonly resourceGroupName: pulumi.Input<string>;
  /**
   * Region of the resources.
   * @default - the resource group's region
   */
  readonly location?: pulumi.Input<string>;
  /** Resource id of the Container Apps environment the jobs run in (it must reach the server and the storage account). */
  readonly environmentId: pulumi.Input<string>;
  /** The runner image (`runner-image/Dockerfile` of this package, built with the server's PostgreSQL major), e.g. `myregistry.azurecr.io/pg-backup:16`. */
  readonly image: pulumi.Input<string>;
  /**
   * The registry of a private runner image.
   * @default - a public image
   */
  readonly imageRegistry?: RunnerImageRegistry;
  /** How the runner reaches the server; the password comes from Key Vault. */
  readonly connection: FlexibleServerConnection;
  /**
   * The databases to dump, each by its own job on the schedule, into its own folder under the prefix.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * What and when to dump; the schedule must convert to one UTC cron (Container Apps Jobs run cron in UTC).
   * @default - daily at 02:00 UTC, custom format, kept 30 days
   */
  readonly dump?: LogicalDumpPolicy;
  /**
   * Encrypt every object of each dump with age to `recipients` (after compression): the dump jobs get only these
   * public keys, so neither they nor a reader of the container can read a backup back. `identitySecret`, the Key Vault
   * secret holding an identity, is read by the drill jobs' identity alone (required with `verification`).
   * @default - not encrypted (the storage account's own encryption only)
   */
  readonly encryption?: DumpEncryption;
  /**
   * The recovery-point objective in hours. Every hour a watch job per database runs `pg-backup status --rpo` against
   * the storage, with an identity that may only read it, and fails (raising the failed-execution alert) when the
   * newest complete dump is older or missing: a dump that stops silently (a job disabled or deleted, a schedule that
   * no longer fires, a replica that never starts) still pages.
   * @default - the longest gap between two dumps, rounded up to hours, plus two: 26 for daily dumps
   */
  readonly rpoHours?: number;
  /**
   * Restore drills: on their schedule, the latest dump of each database is restored with `pg-backup verify` into a
   * scratch PostgreSQL running beside the runner, row counts are compared, and `checks` must each return `true`.
   * The whole drill must finish within `maxRestoreDurationMinutes` (the RTO) or it fails.
   * @default - no drills
   */
  readonly verification?: VerificationPolicy;
  /**
   * Alert when no restore drill of a database succeeded within this many days (1–365, and longer than the drills' longest
   * gap plus their RTO): the hourly watch job runs `pg-backup status --drill-age` too, which reads the drill results
   * stored beside the dumps, so drills that fail, stop running or never start page. Only with `verification`.
   * @default - only failed drill executions alert
   */
  readonly maxDrillAgeDays?: number;
  /**
   * PostgreSQL major version of the drill's scratch server (`postgres:<major>` image); the server's or newer.
   * @default 16
   */
  readonly postgresMajorVersion?: number;
  /**
   * Storage account settings (name, container, redundancy, soft delete, and `replication`: object replication of the
   * dumps to a second storage account in another region, with an alert when blobs wait for replication too long).
   * @default - see `BackupStorage`
   */
  readonly storage?: Pick<BackupStorageProps, 'accountName' | 'containerName' | 'prefix' | 'skuName' | 'softDeleteDays' | 'replication'>;
  /**
   * The databases' size, for an estimate of what the dumps store a month and its cost at Azure Blob Storage's list
   * prices: the dumps and, with `storage.replication`, their replicas in the second account (kept again by its
   * lifecycle) and the transfer to its region. In `costEstimate`, and in the `protections` output.
   * @default - no estimate
   */
  readonly estimate?: DatabaseSizeInputs;
  /**
   * Moves to colder Azure tiers before the dumps are deleted.
   * @default - dumps stay in the hot tier
   */
  readonly transitions?: LifecycleTransition[];
  /**
   * Version-level immutability of every dump for `days` (at most `dump.retentionDays`).
   * @default - none
   */
  readonly immutability?: ImmutabilityPolicy;
  /**
   * vCPUs of a job replica: 0.25 to 4 in steps of 0.25 (Consumption profile); a drill replica has the same size,
   * split between the runner and the scratch PostgreSQL.
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory of a job replica in GiB: twice the vCPUs on the Consumption profile.
   * @default 2
   */
  readonly memoryGi?: number;
  /**
   * Longest a dump may run before Container Apps stops it, in seconds.
   * @default 14400 (4 hours)
   */
  readonly replicaTimeoutSeconds?: number;
  /**
   * How often a failed dump is retried within one execution.
   * @default 1
   */
  readonly replicaRetryLimit?: number;
  /**
   * Where alerts on failed executions go.
   * @default - an action group is created
   */
  readonly alerts?: BackupAlertDestination;
  /**
   * Tags of every resource created.
   * @default - none
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The policy values of the props, validated together. */
type DumpPolicyProps = Pick<ScheduledPgDumpProps,
  'databaseNames' | 'dump' | 'rpoHours' | 'verification' | 'maxDrillAgeDays' | 'immutability' | 'postgresMajorVersion' | 'cpu' | 'memoryGi' | 'replicaTimeoutSeconds' | 'replicaRetryLimit' | 'alerts'
  | 'storage' | 'transitions' | 'location'>
  & {
    /** The recipients of `encryption` (the identity secret is a cloud handle: only whether it is given is checked). */
    readonly encryption?: { readonly recipients: string[]; readonly identitySecretGiven: boolean };
  };

/**
 * `pg_dump` of one or more databases of an Azure Database for PostgreSQL flexible server on a schedule: a Container
 * Apps Job per database runs the `pg-backup` runner on a UTC cron, which streams the dump into Blob Storage
 * (`--to azblob://…`) with a user-assigned managed identity that may only read and write blobs in that one container
 * and read that one Key Vault secret (the database password, handed to the runner as `PGPASSWORD`). The storage is
 * a {@link BackupStorage}: HTTPS and TLS 1.2 only, no public or shared-key access, versioning, soft delete, optional
 * immutability, and core's lifecycle rules. Optional restore drills run `pg-backup verify` into a scratch PostgreSQL
 * beside the runner. Every failed execution raises an Azure Monitor alert to an action group.
 */
export class ScheduledPgDump extends pulumi.ComponentResource {
  /** The dumps' storage. */
  public readonly storage: BackupStorage;
  /** The identity the jobs run as. */
  public readonly identity: managedidentity.UserAssignedIdentity;
  /** Its role assignments: blob data on the container, the password secret, and pulling the image when a registry id was given. */
  public readonly roleAssignments: readonly authorization.RoleAssignment[];
  /** One dump job per database, in the order of `databaseNames`. */
  public readonly dumpJobs: readonly app.Job[];
  /** One drill job per database, when `verification` is set. */
  public readonly drillJobs: readonly app.Job[];
  /**
   * The identity the drill jobs run as, when `verification` is set: it reads the dumps and writes drill results beside
   * them (never deletes), reads the age identity of encrypted dumps, and holds no database secret.
   */
  public readonly drillIdentity?: managedidentity.UserAssignedIdentity;
  /** One RPO watch job per database, in the order of `databaseNames`. */
  public readonly rpoWatchJobs: readonly app.Job[];
  /**
   * With `dump.retention`: one job per database running `pg-backup prune` on the retention's prune schedule, which
   * keeps the grandfather-father-son set and never fewer than `minimumKept`, and deletes nothing while no dump
   * succeeded within the RPO; empty without `dump.retention` (the storage lifecycle deletes after `retentionDays`).
   */
  public readonly pruneJobs: readonly app.Job[];
  /** The identity of the prune jobs, the only one that may delete dumps; absent without `dump.retention`. */
  public readonly pruneIdentity?: managedidentity.UserAssignedIdentity;
  /** The identity the RPO watch jobs run as: it may only read the dumps' container. */
  public readonly rpoWatchIdentity: managedidentity.UserAssignedIdentity;
  /** The recovery-point objective the watch jobs enforce, hours. */
  public readonly rpoHours: number;
  /** One failed-execution alert per job, and with `storage.replication` the alert on stalled replication. */
  public readonly alerts: readonly monitor.MetricAlert[];
  /** Resource id of the action group the alerts go to. */
  public readonly actionGroupId: pulumi.Output<string>;
  /** The dump policy with its defaults filled in. */
  public readonly dumpPolicy: LogicalDumpPolicy;
  /** The databases dumped. */
  public readonly databaseNames: readonly string[];
  /** Where the dumps are: `azblob://<account>/<container>/<prefix>`. */
  public readonly uri: pulumi.Output<string>;
  /**
   * What this component protects and how, per database (core's protection records: the dumps, their drills), naming
   * the server by the host name it connects to; also its `protections` output.
   */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;
  /**
   * The monthly storage-cost estimate of the dumps and their replicas, with `estimate`.
   * @default - no estimate
   */
  public readonly costEstimate?: CostEstimate;

  constructor(name: string, props: ScheduledPgDumpProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:azure:ScheduledPgDump', name, {}, opts);
    // Checked as the user wrote them, before the policy's props are taken apart (an output's fields are outputs too).
    const literals = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct: name });
    literals.requireLiterals(AZURE_SCHEDULED_PG_DUMP_LITERAL_PROPS, props);
    literals.throwIfInvalid();
    const policyProps: DumpPolicyProps = {
      databaseNames: props.databaseNames,
      dump: props.dump,
      rpoHours: props.rpoHours,
      verification: props.verification,
      maxDrillAgeDays: props.maxDrillAgeDays,
      immutability: props.immutability,
      postgresMajorVersion: props.postgresMajorVersion,
      cpu: props.cpu,
      memoryGi: props.memoryGi,
      replicaTimeoutSeconds: props.replicaTimeoutSeconds,
      replicaRetryLimit: props.replicaRetryLimit,
      alerts: props.alerts,
      storage: props.storage,
      transitions: props.transitions,
      location: props.location,
      encryption: props.encryption && { recipients: props.encryption.recipients, identitySecretGiven: props.encryption.identitySecret !== undefined },
    };
    // Names and the dump policy decide which resources exist, so they must be known now, not only later.
    validateWhenKnown(policyProps, checkDumpProps, name);
    this.databaseNames = [...(props.databaseNames ?? ['postgres'])];
    const dump = resolveLogicalDump(props.dump ?? {});
    this.dumpPolicy = dump;
    const cron = renderAzureJobCron(dump.schedule, 'logicalDump.schedule');
    this.rpoHours = props.rpoHours ?? defaultRpoHours({ logicalDump: dump });
    if (props.estimate) {
      const validator = new Validator({ construct: name });
      const replication = props.storage?.replication;
      this.costEstimate = estimateAzureDumpCost({
        label: name,
        dump: props.dump ?? {},
        sizes: props.estimate,
        transitions: props.transitions,
        location: typeof props.location === 'string' ? props.location : undefined,
        replication: replication && { location: replication.location, expirationDays: replication.expirationDays },
      }, validator);
      validator.throwIfInvalid();
    }

    this.storage = new BackupStorage(`${name}-storage`, {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      ...props.storage,
      dump,
      transitions: props.transitions,
      immutability: props.immutability,
      tags: props.tags,
    }, { parent: this });
    this.uri = this.storage.uri;

    // Every identity here gets roles (by GUID), each on the one resource it needs.
    const assignRole = (
      id: string, principalId: pulumi.Input<string>, scope: pulumi.Input<string>, roleGuid: pulumi.Input<string>, description: string,
      dependsOn: pulumi.Resource[] = [],
    ) =>
      new authorization.RoleAssignment(`${name}-${id}`, {
        scope, principalId, principalType: 'ServicePrincipal', roleDefinitionId: roleDefinitionIdFor(scope, roleGuid), description,
      }, { parent: this, dependsOn });
    this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    }, { parent: this });
    // The dump writer may not delete: a custom role without the delete action, assignable in the storage's resource
    // group, with a GUID derived from the container (as ARM's guid()), so a redeploy finds the same definition.
    const containerId = pulumi.output(this.storage.container.id);
    const writerRoleGuid = containerId.apply((id) => nameBasedGuid(`pg-backup dump writer ${id}`));
    const writerRole = new authorization.RoleDefinition(`${name}-dump-writer-role`, {
      scope: containerId.apply(resourceGroupIdOf),
      roleDefinitionId: writerRoleGuid,
      assignableScopes: [containerId.apply(resourceGroupIdOf)],
      roleName: containerId.apply((id) => `pg-backup dump writer ${accountAndContainerOf(id)}`),
      description: DUMP_WRITER_ROLE_DESCRIPTION,
      permissions: [{ dataActions: [...DUMP_WRITER_BLOB_DATA_ACTIONS], notDataActions: [BLOB_DELETE_DATA_ACTION] }],
    }, { parent: this });
    const roleAssignments = [
      assignRole('blob-data', this.identity.principalId, this.storage.container.id, writerRoleGuid,
        'pg-backup runner: write and read the dumps in this container only, never delete them', [writerRole]),
      assignRole('database-secret', this.identity.principalId, keyVaultSecretScope(props.connection.password), AZURE_BUILT_IN_ROLES.keyVaultSecretsUser, 'pg-backup runner: read the database password, this secret only'),
    ];
    if (props.imageRegistry?.registryId !== undefined) {
      roleAssignments.push(assignRole('image-pull', this.identity.principalId, props.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup runner: pull the runner image'));
    }
    this.roleAssignments = roleAssignments;

    const cpu = props.cpu ?? 1;
    const resources = { cpu, memory: `${props.memoryGi ?? cpu * 2}Gi` };
    const databaseUrl = runnerDatabaseUrl(props.connection);
    const common = {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      environmentId: props.environmentId,
      identity: { type: 'UserAssigned', userAssignedIdentities: [this.identity.id] },
      tags: props.tags,
    };
    const registries = props.imageRegistry ? [{ server: props.imageRegistry.server, identity: this.identity.id }] : undefined;
    // The runner's Azure path: DefaultAzureCredential picks the user-assigned identity by its client id; no
    // connection string. Its CloudWatch metric lines are of no use here: the exit status is the signal.
    const runnerEnvironment = [
      { name: 'AZURE_CLIENT_ID', value: this.identity.clientId },
      { name: 'PG_BACKUP_METRICS', value: 'off' },
    ];
    const jobOptions = { parent: this, dependsOn: roleAssignments };

    this.dumpJobs = this.databaseNames.map((database, index) => new app.Job(`${name}-dump-${index}`, {
      ...common,
      configuration: {
        triggerType: 'Schedule',
        scheduleTriggerConfig: { cronExpression: cron, parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: props.replicaTimeoutSeconds ?? 14_400,
        replicaRetryLimit: props.replicaRetryLimit ?? 1,
        secrets: [{ name: DATABASE_PASSWORD_SECRET_NAME, keyVaultUrl: props.connection.password.secretUri, identity: this.identity.id }],
        registries,
      },
      template: {
        containers: [{
          name: RUNNER_CONTAINER_NAME,
          image: props.image,
          // The image's entrypoint is pg-backup: these are its arguments.
          args: pulumi.all([this.uri, databaseUrl]).apply(([to, url]) => [
            ...runnerDumpArgv(dump, { to, database, noRolePasswords: true }),
            '--database-url', url,
          ]),
          env: [
            ...runnerEnvironment,
            // The age recipients are public keys: the dump jobs hold nothing that decrypts a backup.
            ...Object.entries(dumpEncryptionEnvironment(props.encryption)).map(([envName, value]) => ({ name: envName, value })),
            { name: 'PGPASSWORD', secretRef: DATABASE_PASSWORD_SECRET_NAME },
          ],
          resources,
        }],
      },
    }, jobOptions));

    const drillJobs: app.Job[] = [];
    if (props.verification) {
      // The drills run as an identity of their own: it reads the dumps and writes drill results beside them with the
      // writer's role (no delete), and reads the age identity of encrypted dumps, which the dump identity never may.
      const drillIdentity = new managedidentity.UserAssignedIdentity(`${name}-drill-identity`, {
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: props.tags,
      }, { parent: this });
      this.drillIdentity = drillIdentity;
      const identitySecret = props.encryption?.identitySecret;
      const drillGrants = [
        assignRole('drill-blob-data', drillIdentity.principalId, this.storage.container.id, writerRoleGuid,
          'pg-backup restore drill: read the dumps and write drill results in this container only, never delete them', [writerRole]),
        ...(identitySecret === undefined ? [] : [assignRole('drill-age-identity', drillIdentity.principalId, keyVaultSecretScope(identitySecret),
          AZURE_BUILT_IN_ROLES.keyVaultSecretsUser, 'pg-backup restore drill: read the age identity that decrypts the dumps, this secret only')]),
        ...(props.imageRegistry?.registryId === undefined ? [] : [assignRole('drill-image-pull', drillIdentity.principalId, props.imageRegistry.registryId,
          AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup restore drill: pull the runner image')]),
      ];
      const drillRegistries = props.imageRegistry ? [{ server: props.imageRegistry.server, identity: drillIdentity.id }] : undefined;
      const drillEnvironment = [
        { name: 'AZURE_CLIENT_ID', value: drillIdentity.clientId },
        { name: 'PG_BACKUP_METRICS', value: 'off' },
        ...(identitySecret === undefined ? [] : [{ name: AGE_IDENTITY_ENV, secretRef: AGE_IDENTITY_SECRET_NAME }]),
      ];
      const identitySecrets = identitySecret === undefined ? []
        : [{ name: AGE_IDENTITY_SECRET_NAME, keyVaultUrl: identitySecret.secretUri, identity: drillIdentity.id }];
      const verification = resolveVerification(props.verification);
      const drillCron = renderAzureJobCron(verification.schedule, 'verification.schedule');
      // The two containers share the replica's size, so the replica stays a size the Consumption profile offers.
      const drillResources = { cpu: cpu / 2, memory: `${cpu}Gi` };
      const checkSecrets = verification.checks.map((sql, index) => ({ name: `check-${index}`, value: sql }));
      this.databaseNames.forEach((database, index) => drillJobs.push(new app.Job(`${name}-drill-${index}`, {
        ...common,
        identity: { type: 'UserAssigned', userAssignedIdentities: [drillIdentity.id] },
        configuration: {
          triggerType: 'Schedule',
          scheduleTriggerConfig: { cronExpression: drillCron, parallelism: 1, replicaCompletionCount: 1 },
          // The RTO: a drill that has not restored and checked within it fails.
          replicaTimeout: verification.maxRestoreDurationMinutes * 60,
          replicaRetryLimit: 0,
          secrets: checkSecrets.length + identitySecrets.length > 0 ? [...checkSecrets, ...identitySecrets] : undefined,
          registries: drillRegistries,
        },
        template: {
          containers: [
            {
              name: RUNNER_CONTAINER_NAME,
              image: props.image,
              command: this.uri.apply((from) => restoreDrillCommand({
                from,
                database,
                jobs: Math.max(1, Math.floor(cpu)),
                checkCount: checkSecrets.length,
                rtoMinutes: verification.maxRestoreDurationMinutes,
              })),
              env: drillEnvironment,
              resources: drillResources,
              volumeMounts: [
                { volumeName: 'drill-signal', mountPath: DRILL_SIGNAL_DIRECTORY },
                ...(checkSecrets.length > 0 ? [{ volumeName: 'checks', mountPath: DRILL_CHECKS_DIRECTORY }] : []),
              ],
            },
            {
              name: SCRATCH_POSTGRES_CONTAINER_NAME,
              image: `postgres:${props.postgresMajorVersion ?? 16}`,
              // Loopback only (listen_addresses=127.0.0.1): nothing outside the replica can connect; inside it, its
              // superuser takes a password the script makes for each drill and hands the runner on the replica's
              // volume, in neither the job definition nor a log.
              command: ['/bin/sh', '-c', SCRATCH_POSTGRES_SCRIPT],
              resources: drillResources,
              volumeMounts: [{ volumeName: 'drill-signal', mountPath: DRILL_SIGNAL_DIRECTORY }],
            },
          ],
          volumes: [
            { name: 'drill-signal', storageType: 'EmptyDir' },
            ...(checkSecrets.length > 0
              ? [{ name: 'checks', storageType: 'Secret', secrets: checkSecrets.map((secret, i) => ({ secretRef: secret.name, path: drillCheckFileName(i) })) }]
              : []),
          ],
        },
      }, { parent: this, dependsOn: drillGrants })));
    }
    this.drillJobs = drillJobs;

    this.rpoWatchIdentity = new managedidentity.UserAssignedIdentity(`${name}-rpo-watch-identity`, {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    }, { parent: this });
    const watchReader = assignRole('rpo-watch-blob-reader', this.rpoWatchIdentity.principalId, this.storage.container.id, AZURE_BUILT_IN_ROLES.storageBlobDataReader, 'pg-backup RPO watch: list and read the dumps in this container only');
    const watchPulls = props.imageRegistry?.registryId === undefined ? [] : [assignRole('rpo-watch-image-pull', this.rpoWatchIdentity.principalId, props.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup RPO watch: pull the runner image')];
    this.rpoWatchJobs = this.databaseNames.map((database, index) => storageRunnerJob(`${name}-rpo-watch-${index}`, {
      common: { resourceGroupName: props.resourceGroupName, location: props.location, environmentId: props.environmentId, tags: props.tags },
      identity: this.rpoWatchIdentity,
      // Hourly, off the hour, so the alert follows a missed RPO by at most an hour.
      cronExpression: RPO_WATCH_CRON,
      replicaTimeoutSeconds: 600,
      image: props.image,
      containerName: RUNNER_CONTAINER_NAME,
      imageRegistry: props.imageRegistry,
      args: this.uri.apply((from) => runnerStatusArgv({ from, database, rpoHours: this.rpoHours, drillAgeDays: props.maxDrillAgeDays })),
    }, { parent: this, dependsOn: [watchReader, ...watchPulls] }));

    const prune = dump.retention === undefined ? undefined : createPruneJobs(this, name, {
      databaseNames: this.databaseNames,
      retention: resolveBackupRetention(dump.retention),
      rpoHours: this.rpoHours,
      uri: this.uri,
      containerId: this.storage.container.id,
      ...(this.storage.replica && this.storage.replicaUri
        ? { replica: { uri: this.storage.replicaUri, containerId: this.storage.replica.container.id } } : {}),
      image: props.image,
      containerName: RUNNER_CONTAINER_NAME,
      imageRegistry: props.imageRegistry,
      common: { resourceGroupName: props.resourceGroupName, location: props.location, environmentId: props.environmentId, tags: props.tags },
      assignRole,
    });
    this.pruneIdentity = prune?.identity;
    this.pruneJobs = prune?.jobs ?? [];

    const actionGroup = resolveActionGroup(this, name, props.resourceGroupName, props.alerts ?? {}, props.tags);
    this.actionGroupId = actionGroup.id;
    const alertOn = (job: app.Job, id: string, description: string) => failedExecutionAlert(`${name}-${id}-failed`, {
      resourceGroupName: props.resourceGroupName, job, description, actionGroupId: actionGroup.id, tags: props.tags,
    }, { parent: this });
    this.alerts = [
      ...this.dumpJobs.map((job, index) => alertOn(job, `dump-${index}`, `A pg_dump of ${this.databaseNames[index]} failed; see the job's execution logs`)),
      ...this.drillJobs.map((job, index) => alertOn(job, `drill-${index}`, `A restore drill of ${this.databaseNames[index]} failed; see the job's execution logs`)),
      ...this.rpoWatchJobs.map((job, index) => alertOn(job, `rpo-watch-${index}`,
        `No complete dump of ${this.databaseNames[index]} within the RPO of ${this.rpoHours} hours${props.maxDrillAgeDays === undefined ? ''
          : `, or no successful restore drill within ${props.maxDrillAgeDays} days`} (or the watch could not read the storage); see the watch job's execution logs`)),
      ...this.pruneJobs.map((job, index) => alertOn(job, `prune-${index}`,
        `A pg-backup prune of ${this.databaseNames[index]} failed, or deleted nothing because no dump succeeded within the RPO; see the prune job's execution logs`)),
      ...(this.storage.replica ? [replicationPendingAlert(`${name}-replication-pending`, {
        resourceGroupName: props.resourceGroupName, replica: this.storage.replica, actionGroupId: actionGroup.id, tags: props.tags,
      }, { parent: this })] : []),
    ];

    const replica = this.storage.replica?.plan.apply((planned) => planned.protection);
    this.protections = pulumi.all([this.uri, replica, props.connection.host, props.encryption?.identitySecret?.secretUri])
      .apply(([uri, replicaProtection, host, identitySecret]) => azureDumpProtections({
        databaseNames: this.databaseNames,
        dump: props.dump ?? {},
        uri,
        prefix: this.storage.prefix,
        rpoHours: this.rpoHours,
        immutability: props.immutability,
        recipients: props.encryption?.recipients,
        identitySecret,
        replica: replicaProtection,
        verification: props.verification,
      }).concat(this.costEstimate ? [costEstimateProtection(this.costEstimate, this.databaseNames)] : [])
        .map((protection) => ({ ...protection, database: host })));
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      uri: this.uri,
      identityClientId: this.identity.clientId,
      dumpJobIds: this.dumpJobs.map((job) => job.id),
      drillJobIds: this.drillJobs.map((job) => job.id),
      rpoWatchJobIds: this.rpoWatchJobs.map((job) => job.id),
      pruneJobIds: this.pruneJobs.map((job) => job.id),
      actionGroupId: this.actionGroupId,
    });
  }
}

/** When the RPO watch jobs run: every hour at minute 17 (UTC). */
const RPO_WATCH_CRON = '17 * * * *';

/** Replica sizes of the Consumption profile: 0.25 to 4 vCPUs in steps of 0.25. */
const CONSUMPTION_CPUS = Array.from({ length: 16 }, (_, i) => (i + 1) * 0.25);

/**
 * Checks the props: core's rules on the Azure platform (dump options, retention, schedules that convert to one UTC
 * cron, drills, immutability no longer than retention), then names and replica sizes.
 */
function checkDumpProps(validator: Validator, props: DumpPolicyProps): void {
  validator.include(checkPolicy(
    { platform: 'azure', logicalDump: props.dump ?? {}, alarms: { rpoHours: props.rpoHours }, verification: props.verification, immutability: props.immutability },
    validator.optionsFor(AZURE_SCHEDULED_PG_DUMP_PROP_PATHS),
  ));
  checkDumpEncryption(validator, props.encryption);
  checkDrillIdentitySecret(validator, props.encryption, props.verification !== undefined, {
    given: props.encryption?.identitySecretGiven ?? false, path: 'encryption.identitySecret', drilledBy: 'verification drills the dumps',
  });
  const names = props.databaseNames ?? ['postgres'];
  checkDatabaseNames(validator, 'databaseNames', names);
  validator.integer('postgresMajorVersion', props.postgresMajorVersion, 12, 99);
  validator.oneOf('cpu', props.cpu, CONSUMPTION_CPUS);
  const cpu = props.cpu ?? 1;
  if (props.memoryGi !== undefined && !validator.isUnresolved(props.memoryGi, cpu) && props.memoryGi !== cpu * 2) {
    validator.report({ path: 'memoryGi', value: props.memoryGi, allowed: `${cpu * 2} (twice the ${cpu} vCPUs, as the Consumption profile requires)` });
  }
  if (props.verification !== undefined && !validator.isUnresolved(cpu) && cpu < 0.5) {
    validator.report({ path: 'cpu', value: cpu, allowed: 'at least 0.5 with verification', reason: 'a restore drill splits the replica between the runner and the scratch PostgreSQL' });
  }
  validator.integer('replicaTimeoutSeconds', props.replicaTimeoutSeconds, 60, 86_400, 'seconds');
  validator.integer('replicaRetryLimit', props.replicaRetryLimit, 0, 10);
  checkAlertDestination(validator, props.alerts ?? {});
  checkWatchedDrillAge(validator, props);
  // The storage account's checks run here too, so its errors name this component and the prop as written (storage.…).
  const storage = new Validator(validator.optionsFor(AZURE_DUMP_STORAGE_PROP_PATHS));
  checkBackupStorage(storage, {
    ...props.storage, dump: props.dump ?? {}, transitions: props.transitions, immutability: props.immutability, location: props.location,
  });
  validator.include(storage.issues);
}

/** Checks `maxDrillAgeDays`: only with drills, and a window the drills' schedule and RTO can keep filled. */
function checkWatchedDrillAge(validator: Validator, props: DumpPolicyProps): void {
  if (props.maxDrillAgeDays === undefined) return;
  if (props.verification === undefined) {
    validator.report({
      path: 'maxDrillAgeDays', value: props.maxDrillAgeDays, allowed: 'only with verification', reason: 'without drills there is no drill result to watch',
    });
    return;
  }
  if (validator.isUnresolved(props.verification)) return;
  const verification = resolveVerification(props.verification);
  checkDrillAgeWindow(validator, 'maxDrillAgeDays', props.maxDrillAgeDays, verification.schedule, verification.maxRestoreDurationMinutes, {
    maxDays: 365, raises: 'alert',
  });
}
