import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { definePostgresBackups } from '../../../examples/pulumi-aws/backup-program';
import { parseCommandLine } from '../../../src/runner/cli-commands';

const engine = new AwsMockEngine();
installAwsMocks(engine);

describe('the Pulumi AWS example', () => {
  test('protects its RDS instance three ways: its own backups, an AWS Backup plan, and nightly dumps with a weekly drill', async () => {
    const example = definePostgresBackups();
    await Promise.all([
      valueOf(example.databaseIdentifier), valueOf(example.dumpLocation), valueOf(example.drillStateMachineArn), valueOf(example.backupVaultName),
    ]);
    await pulumi.runtime.disconnect();
    const count = (type: string) => engine.ofType(type).length;
    expect(count('aws:rds/instance:Instance')).toBe(1);
    expect(count('aws:backup/selection:Selection')).toBe(1);
    expect(count('aws:sfn/stateMachine:StateMachine')).toBe(2);
    expect(count('aws:sns/topic:Topic')).toBe(1);
    expect(engine.named('aws:rds/instance:Instance', 'shop').inputs).toMatchObject({
      backupRetentionPeriod: 14, backupWindow: '01:00-02:00', copyTagsToSnapshot: true, deleteAutomatedBackups: false, skipFinalSnapshot: false,
    });
    const schedule = engine.named('aws:scheduler/schedule:Schedule', 'shop-schedule-0').inputs;
    const dump = parseCommandLine(JSON.parse(schedule.target.input).containerOverrides[0].command);
    expect(dump.flags).toMatchObject({ database: 'shop', globals: true, to: [await valueOf(example.dumpLocation)] });
    const alarmTopics = new Set(engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').flatMap((alarm) => alarm.inputs.alarmActions));
    expect([...alarmTopics]).toEqual([await valueOf(example.notificationTopicArn)]);
  });
});
