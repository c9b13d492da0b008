import * as rds from '@pulumi/aws/rds';
import { Template } from 'aws-cdk-lib/assertions';
import * as cdk from '../../src/cdk';
import { BackupTier } from '../../src/core/policy/backup-tier';
import * as pulumiAws from '../../src/pulumi/aws';
import { TEST_RUNNER_IMAGE, databaseStack, minimalDumpProps } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks, valueOf } from '../pulumi/aws/aws-mocks';

/**
 * A rule that sends a failure to the notification topic must not drop it when the topic refuses it (its key or policy
 * does not let EventBridge use it, it was deleted, it throttles): the rule's target dead-letters it to a queue that
 * only EventBridge, for that rule, may send to, and a message there raises an alarm.
 */

const RETENTION = { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 };
const RUNNER_IMAGE = 'example.com/pg-backup:16';

const engine = new AwsMockEngine({ attributeStyle: 'opaque' });
installAwsMocks(engine);

let cfn: Record<string, { Type: string; Properties: any }>;

beforeAll(async () => {
  const { stack, vpc, instance } = databaseStack();
  new cdk.ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
  new cdk.PostgresBackupBlueprint(stack, 'Fleet', {
    vpc,
    tier: BackupTier.BRONZE,
    databases: [{ id: 'orders', database: cdk.PostgresDatabase.fromInstance(instance), databaseNames: ['orders'] }],
    retention: RETENTION,
    image: TEST_RUNNER_IMAGE,
  });
  cfn = Template.fromStack(stack).toJSON().Resources;

  const database = new rds.Instance('db', {
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
  });
  const network = { vpcId: 'ref~vpc~id', subnetIds: ['ref~private-a~id', 'ref~private-b~id'] };
  const dump = new pulumiAws.ScheduledPgDump('dump', {
    ...network, database: pulumiAws.PostgresDatabase.fromInstance(database, { postgresMajorVersion: 16 }), databaseNames: ['orders'], image: RUNNER_IMAGE,
  });
  const fleet = new pulumiAws.PostgresBackupBlueprint('fleet', {
    ...network,
    tier: BackupTier.BRONZE,
    databases: [{ id: 'orders', database: pulumiAws.PostgresDatabase.fromInstance(database, { postgresMajorVersion: 16 }), databaseNames: ['orders'] }],
    retention: RETENTION,
    image: RUNNER_IMAGE,
  });
  await Promise.all([
    valueOf(dump.taskFailedRule.arn), ...dump.alarms.map((alarm) => valueOf(alarm.arn)),
    ...fleet.alarms.map((alarm) => valueOf(alarm.arn)), ...fleet.pruneSchedules.map((schedule) => valueOf(schedule.arn)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
}, 300_000);

function cfnOfType(type: string): Array<{ id: string; properties: any }> {
  return Object.entries(cfn).filter(([, resource]) => resource.Type === type).map(([id, resource]) => ({ id, properties: resource.Properties }));
}

/** The queue a CloudFormation value refers to (`Fn::GetAtt` of its ARN or name). */
function cfnQueueOf(value: any): string {
  return value['Fn::GetAtt'][0];
}

/** Per task-failed rule of `prefix`: its dead-letter queue, whether that queue lets EventBridge send for the rule only, and its alarm's actions. */
function cfnTaskFailedRules(prefix: string) {
  return cfnOfType('AWS::Events::Rule').filter(({ id }) => id.startsWith(prefix) && id.includes('TaskFailedRule')).map(({ id, properties }) => {
    const [target] = properties.Targets;
    const queue = target.DeadLetterConfig && cfnQueueOf(target.DeadLetterConfig.Arn);
    const sends = cfnOfType('AWS::SQS::QueuePolicy').filter((policy) => policy.properties.Queues.some((ref: any) => ref.Ref === queue))
      .flatMap((policy) => policy.properties.PolicyDocument.Statement)
      .filter((statement: any) => statement.Effect === 'Allow' && statement.Action === 'sqs:SendMessage');
    const alarms = cfnOfType('AWS::CloudWatch::Alarm')
      .filter((alarm) => alarm.properties.Dimensions?.some((dimension: any) => dimension.Name === 'QueueName' && cfnQueueOf(dimension.Value) === queue));
    return {
      rule: id,
      topicTarget: target.Arn.Ref !== undefined,
      deadLetterQueue: queue !== undefined,
      // CDK adds one statement per rule that dead-letters to the queue.
      sendOnlyFromRule: sends.some((statement: any) => statement.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0] === id)
        && sends.every((statement: any) => statement.Principal.Service === 'events.amazonaws.com'
          && statement.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0].includes('TaskFailedRule')),
      alarms: alarms.map((alarm) => ({
        metric: alarm.properties.MetricName,
        threshold: alarm.properties.Threshold,
        toTopic: alarm.properties.AlarmActions.length === 1,
        sayTopicMayFail: /this alarm reaches no one either: it still shows in CloudWatch/.test(alarm.properties.AlarmDescription),
      })),
    };
  });
}

function pulumiTaskFailedRules(prefix: string) {
  return engine.ofType('aws:cloudwatch/eventRule:EventRule').filter(({ name }) => name.startsWith(prefix) && name.endsWith('-task-failed')).map(({ name }) => {
    const target = engine.named('aws:cloudwatch/eventTarget:EventTarget', `${name}-notification`).inputs;
    const queueArn: string | undefined = target.deadLetterConfig?.arn;
    const queue = engine.ofType('aws:sqs/queue:Queue').find((candidate) => `ref~${candidate.name}~arn` === queueArn);
    const sends = engine.ofType('aws:sqs/queuePolicy:QueuePolicy').filter((policy) => queue && policy.inputs.queueUrl === `ref~${queue.name}~url`)
      .flatMap((policy) => JSON.parse(policy.inputs.policy).Statement)
      .filter((statement: any) => statement.Effect === 'Allow' && statement.Action === 'sqs:SendMessage');
    const sourceArns = sends.length === 1 ? [sends[0].Condition.ArnEquals['aws:SourceArn']].flat() : [];
    const alarms = engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')
      .filter((alarm) => queue && alarm.inputs.dimensions?.QueueName === `ref~${queue.name}~name`);
    return {
      rule: name,
      topicTarget: typeof target.arn === 'string' && target.arn.length > 0,
      deadLetterQueue: queue !== undefined,
      sendOnlyFromRule: sends.length === 1 && sends[0].Principal.Service === 'events.amazonaws.com' && sourceArns.includes(`ref~${name}~arn`)
        && sourceArns.every((arn: string) => /^ref~.*-task-failed~arn$/.test(arn)),
      alarms: alarms.map((alarm) => ({
        metric: alarm.inputs.metricName,
        threshold: alarm.inputs.threshold,
        toTopic: alarm.inputs.alarmActions.length === 1,
        sayTopicMayFail: /this alarm reaches no one either: it still shows in CloudWatch/.test(alarm.inputs.alarmDescription),
      })),
    };
  });
}

const GUARDED = {
  topicTarget: true,
  deadLetterQueue: true,
  sendOnlyFromRule: true,
  alarms: [{ metric: 'ApproximateNumberOfMessagesVisible', threshold: 1, toTopic: true, sayTopicMayFail: true }],
};

describe('the rules that notify a scheduled task that died: CDK and Pulumi', () => {
  test.each([
    ['ScheduledPgDump', 'Dump', 'dump-', 1],
    ['PostgresBackupBlueprint, its dumps and its prune', 'Fleet', 'fleet-', 2],
  ])('%s: each rule\'s target dead-letters to a queue only that rule may send to, whose alarm notifies the topic', (_construct, cdkPrefix, pulumiPrefix, count) => {
    const cdkRules = cfnTaskFailedRules(cdkPrefix);
    const pulumiRules = pulumiTaskFailedRules(pulumiPrefix);
    expect(cdkRules).toHaveLength(count);
    expect(pulumiRules).toHaveLength(count);
    for (const rule of [...cdkRules, ...pulumiRules]) expect(rule).toEqual({ rule: rule.rule, ...GUARDED });
  });
});
