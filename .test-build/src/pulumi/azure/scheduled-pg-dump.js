"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.ScheduledPgDump = exports.SCRATCH_POSTGRES_CONTAINER_NAME = exports.RUNNER_CONTAINER_NAME = void 0;
const app = __importStar(require("@pulumi/azure-native/app"));
const authorization = __importStar(require("@pulumi/azure-native/authorization"));
const managedidentity = __importStar(require("@pulumi/azure-native/managedidentity"));
const monitor = __importStar(require("@pulumi/azure-native/monitor"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const backup_action_group_1 = require("./backup-action-group");
const backup_storage_1 = require("./backup-storage");
const pulumi_validation_1 = require("../pulumi-validation");
const restore_drill_containers_1 = require("./restore-drill-containers");
const role_definitions_1 = require("./role-definitions");
const runner_connection_1 = require("./runner-connection");
const construct_prop_paths_1 = require("../../core/construct-prop-paths");
const database_name_1 = require("../../core/database-name");
const defaults_1 = require("../../core/defaults");
const runner_argv_1 = require("../../core/runner-argv");
const schedule_1 = require("../../core/schedule");
const validate_policy_1 = require("../../core/validate-policy");
/** Name of the runner container in the jobs. */
exports.RUNNER_CONTAINER_NAME = 'pg-backup';
/** Name of the scratch PostgreSQL container of the restore drill. */
exports.SCRATCH_POSTGRES_CONTAINER_NAME = 'scratch-postgres';
/**
 * `pg_dump` of one or more databases of an Azure Database for PostgreSQL flexible server on a schedule: a Container
 * Apps Job per database runs the `pg-backup` runner on a UTC cron, which streams the dump into Blob Storage
 * (`--to azblob://…`) with a user-assigned managed identity that may only read and write blobs in that one container
 * and read that one Key Vault secret (the database password, handed to the runner as `PGPASSWORD`). The storage is
 * a {@link BackupStorage}: HTTPS and TLS 1.2 only, no public or shared-key access, versioning, soft delete, optional
 * immutability, and core's lifecycle rules. Optional restore drills run `pg-backup verify` into a scratch PostgreSQL
 * beside the runner. Every failed execution raises an Azure Monitor alert to an action group.
 */
class ScheduledPgDump extends pulumi.ComponentResource {
    /** The dumps' storage. */
    storage;
    /** The identity the jobs run as. */
    identity;
    /** Its role assignments: blob data on the container, the password secret, and pulling the image when a registry id was given. */
    roleAssignments;
    /** One dump job per database, in the order of `databaseNames`. */
    dumpJobs;
    /** One drill job per database, when `verification` is set. */
    drillJobs;
    /** One failed-execution alert per job. */
    alerts;
    /** Resource id of the action group the alerts go to. */
    actionGroupId;
    /** The dump policy with its defaults filled in. */
    dumpPolicy;
    /** The databases dumped. */
    databaseNames;
    /** Where the dumps are: `azblob://<account>/<container>/<prefix>`. */
    uri;
    constructor(name, props, opts) {
        super('postgres-backup:azure:ScheduledPgDump', name, {}, opts);
        const policyProps = {
            databaseNames: props.databaseNames,
            dump: props.dump,
            verification: props.verification,
            immutability: props.immutability,
            postgresMajorVersion: props.postgresMajorVersion,
            cpu: props.cpu,
            memoryGi: props.memoryGi,
            replicaTimeoutSeconds: props.replicaTimeoutSeconds,
            replicaRetryLimit: props.replicaRetryLimit,
            alerts: props.alerts,
        };
        // Names and the dump policy decide which resources exist, so they must be known now, not only later.
        (0, pulumi_validation_1.validateWhenKnown)(policyProps, checkDumpProps, name);
        this.databaseNames = [...(props.databaseNames ?? ['postgres'])];
        const dump = (0, defaults_1.resolveLogicalDump)(props.dump ?? {});
        this.dumpPolicy = dump;
        const cron = (0, schedule_1.renderAzureJobCron)(dump.schedule, 'logicalDump.schedule');
        this.storage = new backup_storage_1.BackupStorage(`${name}-storage`, {
            resourceGroupName: props.resourceGroupName,
            location: props.location,
            ...props.storage,
            dump,
            transitions: props.transitions,
            immutability: props.immutability,
            tags: props.tags,
        }, { parent: this });
        this.uri = this.storage.uri;
        this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
            resourceGroupName: props.resourceGroupName,
            location: props.location,
            tags: props.tags,
        }, { parent: this });
        const roleAssignments = [
            new authorization.RoleAssignment(`${name}-blob-data`, {
                scope: this.storage.container.id,
                principalId: this.identity.principalId,
                principalType: 'ServicePrincipal',
                roleDefinitionId: (0, role_definitions_1.roleDefinitionIdFor)(this.storage.container.id, role_definitions_1.AZURE_BUILT_IN_ROLES.storageBlobDataContributor),
                description: 'pg-backup runner: write and read the dumps in this container only',
            }, { parent: this }),
            new authorization.RoleAssignment(`${name}-database-secret`, {
                scope: (0, runner_connection_1.keyVaultSecretScope)(props.connection.password),
                principalId: this.identity.principalId,
                principalType: 'ServicePrincipal',
                roleDefinitionId: (0, role_definitions_1.roleDefinitionIdFor)(props.connection.password.keyVaultId, role_definitions_1.AZURE_BUILT_IN_ROLES.keyVaultSecretsUser),
                description: 'pg-backup runner: read the database password, this secret only',
            }, { parent: this }),
        ];
        if (props.imageRegistry?.registryId !== undefined) {
            roleAssignments.push(new authorization.RoleAssignment(`${name}-image-pull`, {
                scope: props.imageRegistry.registryId,
                principalId: this.identity.principalId,
                principalType: 'ServicePrincipal',
                roleDefinitionId: (0, role_definitions_1.roleDefinitionIdFor)(props.imageRegistry.registryId, role_definitions_1.AZURE_BUILT_IN_ROLES.acrPull),
                description: 'pg-backup runner: pull the runner image',
            }, { parent: this }));
        }
        this.roleAssignments = roleAssignments;
        const cpu = props.cpu ?? 1;
        const resources = { cpu, memory: `${props.memoryGi ?? cpu * 2}Gi` };
        const databaseUrl = (0, runner_connection_1.runnerDatabaseUrl)(props.connection);
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
                secrets: [{ name: runner_connection_1.DATABASE_PASSWORD_SECRET_NAME, keyVaultUrl: props.connection.password.secretUri, identity: this.identity.id }],
                registries,
            },
            template: {
                containers: [{
                        name: exports.RUNNER_CONTAINER_NAME,
                        image: props.image,
                        // The image's entrypoint is pg-backup: these are its arguments.
                        args: pulumi.all([this.uri, databaseUrl]).apply(([to, url]) => [
                            ...(0, runner_argv_1.runnerDumpArgv)(dump, { to, database, noRolePasswords: true }),
                            '--database-url', url,
                        ]),
                        env: [...runnerEnvironment, { name: 'PGPASSWORD', secretRef: runner_connection_1.DATABASE_PASSWORD_SECRET_NAME }],
                        resources,
                    }],
            },
        }, jobOptions));
        const drillJobs = [];
        if (props.verification) {
            const verification = (0, defaults_1.resolveVerification)(props.verification);
            const drillCron = (0, schedule_1.renderAzureJobCron)(verification.schedule, 'verification.schedule');
            // The two containers share the replica's size, so the replica stays a size the Consumption profile offers.
            const drillResources = { cpu: cpu / 2, memory: `${cpu}Gi` };
            const checkSecrets = verification.checks.map((sql, index) => ({ name: `check-${index}`, value: sql }));
            this.databaseNames.forEach((database, index) => drillJobs.push(new app.Job(`${name}-drill-${index}`, {
                ...common,
                configuration: {
                    triggerType: 'Schedule',
                    scheduleTriggerConfig: { cronExpression: drillCron, parallelism: 1, replicaCompletionCount: 1 },
                    // The RTO: a drill that has not restored and checked within it fails.
                    replicaTimeout: verification.maxRestoreDurationMinutes * 60,
                    replicaRetryLimit: 0,
                    secrets: checkSecrets.length > 0 ? checkSecrets : undefined,
                    registries,
                },
                template: {
                    containers: [
                        {
                            name: exports.RUNNER_CONTAINER_NAME,
                            image: props.image,
                            command: this.uri.apply((from) => (0, restore_drill_containers_1.restoreDrillCommand)({
                                from, database, jobs: Math.max(1, Math.floor(cpu)), checkCount: checkSecrets.length,
                            })),
                            env: runnerEnvironment,
                            resources: drillResources,
                            volumeMounts: [
                                { volumeName: 'drill-signal', mountPath: restore_drill_containers_1.DRILL_SIGNAL_DIRECTORY },
                                ...(checkSecrets.length > 0 ? [{ volumeName: 'checks', mountPath: restore_drill_containers_1.DRILL_CHECKS_DIRECTORY }] : []),
                            ],
                        },
                        {
                            name: exports.SCRATCH_POSTGRES_CONTAINER_NAME,
                            image: `postgres:${props.postgresMajorVersion ?? 16}`,
                            command: ['/bin/sh', '-c', restore_drill_containers_1.SCRATCH_POSTGRES_SCRIPT],
                            // Loopback only (listen_addresses=127.0.0.1): nothing outside the replica can connect.
                            env: [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }],
                            resources: drillResources,
                            volumeMounts: [{ volumeName: 'drill-signal', mountPath: restore_drill_containers_1.DRILL_SIGNAL_DIRECTORY }],
                        },
                    ],
                    volumes: [
                        { name: 'drill-signal', storageType: 'EmptyDir' },
                        ...(checkSecrets.length > 0
                            ? [{ name: 'checks', storageType: 'Secret', secrets: checkSecrets.map((secret, i) => ({ secretRef: secret.name, path: (0, restore_drill_containers_1.drillCheckFileName)(i) })) }]
                            : []),
                    ],
                },
            }, jobOptions)));
        }
        this.drillJobs = drillJobs;
        const actionGroup = (0, backup_action_group_1.resolveActionGroup)(this, name, props.resourceGroupName, props.alerts ?? {}, props.tags);
        this.actionGroupId = actionGroup.id;
        const alertOn = (job, id, what) => new monitor.MetricAlert(`${name}-${id}-failed`, {
            resourceGroupName: props.resourceGroupName,
            location: 'global',
            description: `A ${what} failed; see the job's execution logs`,
            severity: 1,
            enabled: true,
            scopes: [job.id],
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
            actions: [{ actionGroupId: actionGroup.id }],
            tags: props.tags,
        }, { parent: this });
        this.alerts = [
            ...this.dumpJobs.map((job, index) => alertOn(job, `dump-${index}`, `pg_dump of ${this.databaseNames[index]}`)),
            ...this.drillJobs.map((job, index) => alertOn(job, `drill-${index}`, `restore drill of ${this.databaseNames[index]}`)),
        ];
        this.registerOutputs({
            uri: this.uri,
            identityClientId: this.identity.clientId,
            dumpJobIds: this.dumpJobs.map((job) => job.id),
            drillJobIds: this.drillJobs.map((job) => job.id),
            actionGroupId: this.actionGroupId,
        });
    }
}
exports.ScheduledPgDump = ScheduledPgDump;
/** Replica sizes of the Consumption profile: 0.25 to 4 vCPUs in steps of 0.25. */
const CONSUMPTION_CPUS = Array.from({ length: 16 }, (_, i) => (i + 1) * 0.25);
/**
 * Checks the props: core's rules on the Azure platform (dump options, retention, schedules that convert to one UTC
 * cron, drills, immutability no longer than retention), then names and replica sizes.
 */
function checkDumpProps(validator, props) {
    validator.include((0, validate_policy_1.checkPolicy)({ platform: 'azure', logicalDump: props.dump ?? {}, verification: props.verification, immutability: props.immutability }, validator.optionsFor(construct_prop_paths_1.AZURE_SCHEDULED_PG_DUMP_PROP_PATHS)));
    const names = props.databaseNames ?? ['postgres'];
    (0, database_name_1.checkDatabaseNames)(validator, 'databaseNames', names);
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
    (0, backup_action_group_1.checkAlertDestination)(validator, props.alerts ?? {});
}
