import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import * as vpc from '@pulumi/aws/vpc';
import * as pulumi from '@pulumi/pulumi';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION, BlueprintFleetInfrastructure, BlueprintServerPlan } from './blueprint-fleet';
import { createBackupAlarm } from './metric-alarm';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';
import { BlueprintProtectedDatabase } from './postgres-backup-blueprint-props';
import { recordProtectedDatabase } from './require-postgres-backups';
import { writeRunbookFile } from './restore-runbook-artifacts';
import { createSchedulerRole } from './scheduler-role';
import { notifyWhenTasksFail } from './task-failure-notification';
import { estimateBlueprintServerCost, renderBlueprintRunbook } from '../../core/aws/blueprint-server';
import { dumpTaskEphemeralStorageGiB } from '../../core/aws/fargate-sizes';
import { CostEstimate } from '../../core/policy/cost-estimate';
import { resolveLogicalDump } from '../../core/policy/defaults';
import { runbookFileName } from '../../core/policy/runbook';
import { renderEventBridgeSchedule } from '../../core/policy/schedule';
import { runnerDumpArgv } from '../../core/postgres/runner-argv';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** What the fleet's dumps are made of. */
export interface BlueprintFleetDumps {
  /** Dump task definitions by PostgreSQL major. */
  readonly taskDefinitions: Map<number, ecs.TaskDefinition>;
  /** The role of every dump task: write under the fleet's prefix, nothing else. */
  readonly taskRole: iam.Role;
  /** The role ECS starts the dump tasks with: their logs and every server's secret. */
  readonly executionRole: iam.Role;
  /** The security group of the dump tasks. */
  readonly securityGroup: ec2.SecurityGroup;
  /** Every protected database. */
  readonly databases: BlueprintProtectedDatabase[];
  /** Storage-cost estimates by server id (servers with sizes only). */
  readonly costEstimates: Map<string, CostEstimate>;
  /** The rule that notifies a dump task that stopped with a non-zero exit or failed to start. */
  readonly taskFailedRule: cloudwatch.EventRule;
}

/**
 * The fleet's dumps: one task definition per PostgreSQL major holding every server's secret under its own variable;
 * per database a schedule that runs it with the database's own command, an RPO alarm and its runbook; per server an
 * ingress rule from the dump tasks (when its security group is known) and the cost estimate.
 */
export function createFleetDumps(fleet: BlueprintFleetInfrastructure, servers: BlueprintServerPlan[]): BlueprintFleetDumps {
  const { name, parent, props } = fleet;
  const child = { parent };
  const taskRole = new iam.Role(`${name}-dump-task-role`, {
    description: 'Fleet pg_dump tasks: write new dumps under the fleet prefix, nothing else',
    assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
  }, child);
  new iam.RolePolicy(`${name}-dump-task-policy`, { role: taskRole.id, policy: policyDocument(fleet.backupBucket.writeStatements(fleet.prefix)) }, child);
  const executionRole = new iam.Role(`${name}-dump-execution-role`, {
    description: 'Starts the fleet pg_dump tasks: their logs and the servers\' secrets',
    assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com'),
  }, child);
  new iam.RolePolicy(`${name}-dump-execution-policy`, { role: executionRole.id, policy: policyDocument(executionStatements(fleet, servers)) }, child);
  grantSecretsInChunks(fleet, executionRole, servers);

  const taskDefinitions = new Map<number, ecs.TaskDefinition>();
  for (const major of fleet.majors) {
    const ofMajor = servers.filter((server) => server.major === major);
    const ephemeralStorageGiB = dumpTaskEphemeralStorageGiB(ofMajor.map((server) => server.policy.logicalDump));
    taskDefinitions.set(major, new ecs.TaskDefinition(`${name}-dump-task-${major}`, {
      family: `${name}-pg-dump-${major}`,
      cpu: String(props.dumpCpu ?? 1024),
      memory: String(props.dumpMemoryLimitMiB ?? 2048),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      ephemeralStorage: ephemeralStorageGiB === undefined ? undefined : { sizeInGib: ephemeralStorageGiB },
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      containerDefinitions: pulumi.jsonStringify([{
        name: BLUEPRINT_RUNNER_CONTAINER_NAME,
        image: fleet.image(major),
        essential: true,
        // Every run overrides the command; run without one, the task only prints the usage.
        command: ['--help'],
        // The whole secret (user and password; the host too for an RDS-style one), each server under its own variable.
        secrets: ofMajor.map((server) => ({ name: server.secretVariable, valueFrom: server.entry.database.secretArn })),
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': fleet.logGroupName, 'awslogs-region': fleet.environment.region, 'awslogs-stream-prefix': `dump-${major}` },
        },
        // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
        stopTimeout: 30,
      }]),
    }, child));
  }
  const { partition, region, account } = fleet.environment;
  const schedulerRole = createSchedulerRole(`${name}-dump`, parent, fleet.environment, [
    {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [taskRole.arn, executionRole.arn],
      Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    { Effect: 'Allow', Action: 'ecs:RunTask', Resource: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn) },
    { Effect: 'Allow', Action: 'ecs:TagResource', Resource: pulumi.interpolate`arn:${partition}:ecs:${region}:${account}:task/${fleet.cluster.name}/*` },
    { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: fleet.deadLetterQueueArn },
  ]);
  const securityGroup = new ec2.SecurityGroup(`${name}-dump-sg`, {
    vpcId: props.vpcId,
    description: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
    egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
  }, child);

  const databases: BlueprintProtectedDatabase[] = [];
  const costEstimates = new Map<string, CostEstimate>();
  for (const server of servers) {
    const database = server.entry.database;
    const id = server.entry.id;
    if (database.securityGroupId !== undefined) {
      new vpc.SecurityGroupIngressRule(`${name}-${id}-ingress`, {
        securityGroupId: database.securityGroupId,
        referencedSecurityGroupId: securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: database.port,
        toPort: database.port,
        description: 'pg_dump from the fleet backup tasks',
      }, child);
    }
    recordProtectedDatabase(database.resource ?? server.entry.managedDatabase?.resource, 'logical-dump');
    const dump = resolveLogicalDump(server.policy.logicalDump!);
    const dumpLocation = pulumi.interpolate`s3://${fleet.backupBucket.bucketName}/${fleet.prefix}/${id}`;
    const rendered = renderEventBridgeSchedule(dump.schedule, `databases[${server.index}].logicalDump.schedule`);
    const databaseUrl = database.runnerWiring().databaseUrl;
    for (const databaseName of server.databaseNames) {
      const resourceName = `${name}-${id}-${databaseName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
      const command = pulumi.all([dumpLocation, databaseUrl]).apply(([to, url]) => [
        ...runnerDumpArgv(dump, { to, database: databaseName, noRolePasswords: database.managed, metricsNamespace: fleet.metricNamespace }),
        '--secret-env', server.secretVariable,
        '--metric-dimension', `${BLUEPRINT_SERVER_DIMENSION}=${id}`,
        ...(url === undefined ? [] : ['--database-url', url]),
      ]);
      const schedule = new scheduler.Schedule(`${resourceName}-dump`, {
        description: `pg_dump of ${databaseName} on ${id} to ${fleet.prefix}/${id}/`,
        scheduleExpression: rendered.scheduleExpression,
        scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: fleet.cluster.arn,
          roleArn: schedulerRole.arn,
          deadLetterConfig: { arn: fleet.deadLetterQueueArn },
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          ecsParameters: {
            taskDefinitionArn: taskDefinitions.get(server.major)!.arn,
            launchType: 'FARGATE',
            propagateTags: 'TASK_DEFINITION',
            networkConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
          },
          input: pulumi.jsonStringify({ containerOverrides: [{ name: BLUEPRINT_RUNNER_CONTAINER_NAME, command }] }),
        },
      }, child);
      const rpoAlarm = createBackupAlarm(`${resourceName}-rpo`, {
        description: `No successful pg_dump of ${databaseName} on ${id} within the RPO of ${server.rpoHours} hours`,
        metric: {
          namespace: fleet.metricNamespace,
          metricName: 'BackupSucceeded',
          dimensions: { Database: databaseName, [BLUEPRINT_SERVER_DIMENSION]: id },
          statistic: 'Sum',
          periodSeconds: server.rpoHours * 3600,
        },
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // A dump that stops silently publishes nothing: that must page too.
        treatMissingData: 'breaching',
        topicArn: fleet.notificationTopicArn,
      }, parent);
      const runbook = runbookOf(fleet, server, databaseName);
      databases.push({
        serverId: id,
        databaseName,
        label: `${id}/${databaseName}`,
        policy: server.policy,
        dumpLocation,
        schedule,
        rpoAlarm,
        rpoHours: server.rpoHours,
        runbook,
        restoreCommand: pulumi.interpolate`pg-backup restore --from ${dumpLocation} --database ${databaseName} --latest --target-url "$TARGET_URL"`,
      });
    }
    const estimate = estimateBlueprintServerCost(id, server.policy, server.entry.estimate);
    if (estimate) costEstimates.set(id, estimate);
  }
  const taskFailedRule = notifyWhenTasksFail(`${name}-dump`, parent, {
    description: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
    taskDefinitionArns: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn),
    topicArn: fleet.notificationTopicArn,
    subject: 'A fleet pg_dump task',
    namesStarter: true,
  });
  return { taskDefinitions, taskRole, executionRole, securityGroup, databases, costEstimates, taskFailedRule };
}

/**
 * Secrets per managed policy: an RDS-managed secret's ARN has about 105 characters, so 40 of them leave room under
 * IAM's 6,144 characters for longer regions and secret names.
 */
export const SECRETS_PER_POLICY = 40;

/** The execution role's own statements: write the task logs, decrypt the secrets' keys. */
function executionStatements(fleet: BlueprintFleetInfrastructure, servers: BlueprintServerPlan[]): PolicyStatement[] {
  const keys = servers.map((server) => server.entry.database.secretKmsKeyArn).filter((key): key is pulumi.Output<string> => key !== undefined);
  return [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${fleet.logGroupArn}:*` },
    // Few distinct keys (the account's default or a handful of CMKs): one statement, de-duplicated by IAM.
    ...(keys.length > 0 ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: keys }] : []),
  ];
}

/**
 * Reading every server's secret, in managed policies of {@link SECRETS_PER_POLICY} secrets: a role's inline policies
 * share 10,240 characters, which a fleet of about a hundred secret ARNs would pass.
 */
function grantSecretsInChunks(fleet: BlueprintFleetInfrastructure, role: iam.Role, servers: BlueprintServerPlan[]): void {
  for (let start = 0, chunk = 0; start < servers.length; start += SECRETS_PER_POLICY, chunk++) {
    const policy = new iam.Policy(`${fleet.name}-dump-secrets-${chunk}`, {
      description: `Read the database secrets of fleet servers ${start + 1}-${Math.min(servers.length, start + SECRETS_PER_POLICY)}`,
      policy: policyDocument([{
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: servers.slice(start, start + SECRETS_PER_POLICY).map((server) => server.entry.database.secretArn),
      }]),
    }, { parent: fleet.parent });
    new iam.RolePolicyAttachment(`${fleet.name}-dump-secrets-${chunk}`, { role: role.name, policyArn: policy.arn }, { parent: fleet.parent });
  }
}

/** One database's runbook once the bucket, region, topic and identifier are known; written to the runbook directory if asked. */
function runbookOf(fleet: BlueprintFleetInfrastructure, server: BlueprintServerPlan, databaseName: string): pulumi.Output<string> {
  const managed = server.entry.managedDatabase;
  return pulumi.all([fleet.backupBucket.bucketName, fleet.environment.region, fleet.notificationTopicArn, managed?.identifier])
    .apply(([bucket, region, topic, identifier]) => {
      const markdown = renderBlueprintRunbook({
        serverIndex: server.index,
        databaseName,
        policy: server.policy,
        rpoHours: server.rpoHours,
        bucket,
        region,
        prefix: `${fleet.prefix}/${server.entry.id}`,
        managedDatabase: managed && identifier !== undefined
          ? { kind: managed.kind === 'instance' ? 'rds-instance' : 'aurora-cluster', identifier, region }
          : undefined,
        notificationTopic: topic,
        validation: PULUMI_VALIDATION_OPTIONS,
      });
      const directory = fleet.props.runbookDirectory;
      return directory === undefined ? markdown : writeRunbookFile(directory, runbookFileName(server.entry.id, databaseName), markdown);
    });
}
