import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { definePostgresBackups } from '../../../examples/pulumi-aws/backup-program';
import { definePostgresFleet } from '../../../examples/pulumi-aws-blueprint/fleet-program';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { SnapshotRestoreDrill } from '../../../src/pulumi/aws/snapshot-restore-drill';
import { integrationsOf } from '../../core/aws/state-machines/drill-harness';

// The programs deploy to the China partition, where Step Functions refuses an integration named in another one.
const engine = new AwsMockEngine({ calls: { 'aws:index/getPartition:getPartition': () => ({ partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', id: 'aws-cn' }) } });
installAwsMocks(engine);

describe('state machines of Pulumi programs in the aws-cn partition', () => {
  test('every drill, check and fleet drill calls its integrations in that partition', async () => {
    await pulumi.runtime.runInPulumiStack(async () => {
      const backups = definePostgresBackups();
      const fleet = definePostgresFleet();
      const drill = new SnapshotRestoreDrill('shop-snapshot-drill', {
        database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
        secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:rds!shop',
        databaseName: 'shop',
        postgresMajorVersion: 16,
        image: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/pg-backup:16',
        vpcId: 'vpc-0123',
        scratchSubnetIds: ['subnet-db-a', 'subnet-db-b'],
        taskSubnetIds: ['subnet-task-a', 'subnet-task-b'],
      });
      await Promise.all([valueOf(backups.drillStateMachineArn), valueOf(fleet.drillStateMachineArn!), valueOf(drill.definition)]);
      return {};
    });
    await new Promise((resolve) => setImmediate(resolve));

    const machines = engine.ofType('aws:sfn/stateMachine:StateMachine');
    expect(machines.map((machine) => machine.name).sort()).toEqual([
      'fleet-drill', 'shop-drill-drill', 'shop-monitoring-restorable-time-check', 'shop-snapshot-drill-drill',
    ]);
    for (const machine of machines) {
      const integrations = integrationsOf(JSON.parse(machine.inputs.definition).States);
      expect(integrations.length).toBeGreaterThan(0);
      expect(integrations.filter((resource) => !resource.startsWith('arn:aws-cn:states:::'))).toEqual([]);
    }
  });
});
