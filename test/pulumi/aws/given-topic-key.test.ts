import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { TOPIC_KEY_PUBLISH_IAM_ACTIONS } from '../../../src/core/aws/iam-action-groups';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { ManagedPostgresBackupPlan } from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { PostgresBackupBlueprint } from '../../../src/pulumi/aws/postgres-backup-blueprint';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { SelfHostedPitrArchive } from '../../../src/pulumi/aws/self-hosted-pitr-archive';
import { SnapshotRestoreDrill } from '../../../src/pulumi/aws/snapshot-restore-drill';
import { VerifyRestore } from '../../../src/pulumi/aws/verify-restore';

// Every component that takes a topic of the user's and has a role publishing to it directly (a drill's state machine)
// must let that role use the topic's key: SNS refuses a publish to an encrypted topic by a role that cannot.
const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:backup-alerts';
const TOPIC_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/alerts';
const GIVEN_TOPIC = { notificationTopicArn: TOPIC, notificationTopicKeyArn: TOPIC_KEY };
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop';

/** Waits until every resource `outputs` depend on is registered, then for the mocks' last callbacks. */
async function registered(...outputs: pulumi.Output<unknown>[]): Promise<void> {
  await Promise.all(outputs.map((output) => valueOf(output)));
  await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The roles whose inline policies publish to the given topic, each with the actions it may take on the topic's key. */
function publishingRoles(): { role: string; keyActions: string[] }[] {
  const allows = (statement: any, action: string, resource: string) =>
    statement.Effect === 'Allow' && [statement.Action].flat().includes(action) && [statement.Resource].flat().includes(resource);
  return engine.ofType('aws:iam/role:Role').map((role) => ({ role: role.name, statements: engine.roleStatements(role.name) }))
    .filter(({ statements }) => statements.some((statement) => allows(statement, 'sns:Publish', TOPIC)))
    .map(({ role, statements }) => ({
      role,
      keyActions: TOPIC_KEY_PUBLISH_IAM_ACTIONS.filter((action) => statements.some((statement) => allows(statement, action, TOPIC_KEY))),
    }));
}

const components: Record<string, () => Promise<void>> = {
  'ScheduledPgDump and its VerifyRestore (the drill takes the source\'s topic)': async () => {
    const dump = new ScheduledPgDump('orders', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a'],
      image: IMAGE,
      databaseNames: ['orders'],
      ...GIVEN_TOPIC,
      database: PostgresDatabase.fromSecret({ secretArn: SECRET, postgresMajorVersion: 16 }),
    });
    const drill = new VerifyRestore('orders-drill', { source: dump, vpcId: 'vpc-0123', subnetIds: ['subnet-a'], image: IMAGE });
    await registered(drill.stateMachine.arn, dump.taskDefinition.arn);
  },
  'SnapshotRestoreDrill': async () => {
    const drill = new SnapshotRestoreDrill('shop-drill', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
      secretArn: SECRET,
      databaseName: 'shop',
      postgresMajorVersion: 16,
      image: IMAGE,
      vpcId: 'vpc-0123',
      scratchSubnetIds: ['subnet-db-a'],
      taskSubnetIds: ['subnet-task-a'],
      ...GIVEN_TOPIC,
    });
    await registered(drill.stateMachine.arn);
  },
  'SelfHostedPitrArchive with its drill': async () => {
    const archive = new SelfHostedPitrArchive('orders', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      ...GIVEN_TOPIC,
      drill: { vpcId: 'vpc-0123', subnetIds: ['subnet-a'], image: IMAGE },
    });
    await registered(archive.drill!.stateMachine.arn, archive.drill!.taskDefinition.arn);
  },
  'ManagedPostgresBackupPlan with restore testing validated by pg-backup check': async () => {
    const plan = new ManagedPostgresBackupPlan('shop', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
      ...GIVEN_TOPIC,
      restoreTesting: {
        dbSubnetGroupName: 'isolated',
        validation: {
          vpcId: 'vpc-0123', taskSubnetIds: ['subnet-task-a'], secretArn: SECRET, image: IMAGE, databaseName: 'shop', postgresMajorVersion: 16,
        },
      },
    });
    await registered(plan.restoreTesting!.validation!.stateMachine.arn);
  },
  'PostgresBackupBlueprint with drills': async () => {
    const blueprint = new PostgresBackupBlueprint('fleet', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a'],
      image: IMAGE,
      tier: BackupTier.BRONZE,
      ...GIVEN_TOPIC,
      databases: [{
        id: 'orders-db',
        database: PostgresDatabase.fromSecret({ secretArn: SECRET, securityGroupId: 'sg-orders', postgresMajorVersion: 16 }),
        databaseNames: ['orders'],
        overrides: { verification: { schedule: { expression: '0 5 * * *' }, maxRestoreDurationMinutes: 45 } },
      }],
    });
    await registered(blueprint.drillDefinition!, ...blueprint.drillSchedules.map((schedule) => schedule.arn));
  },
};

describe('Pulumi AWS components given an encrypted topic of the user\'s', () => {
  test.each(Object.keys(components))('%s: every role that publishes to the topic may use its key', async (component) => {
    await components[component]();
    const roles = publishingRoles();
    expect(roles.length).toBeGreaterThan(0);
    expect(roles).toEqual(roles.map(({ role }) => ({ role, keyActions: [...TOPIC_KEY_PUBLISH_IAM_ACTIONS] })));
  });

  test('a topic given without its key is taken as unencrypted: its publishers get no key permission', async () => {
    const archive = new SelfHostedPitrArchive('orders', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      notificationTopicArn: TOPIC,
      drill: { vpcId: 'vpc-0123', subnetIds: ['subnet-a'], image: IMAGE },
    });
    await registered(archive.drill!.stateMachine.arn);
    const roles = publishingRoles();
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every(({ keyActions }) => keyActions.length === 0)).toBe(true);
  });
});
