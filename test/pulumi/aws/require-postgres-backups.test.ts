import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { ManagedPostgresBackupPlan } from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase, managedSnapshotArgs } from '../../../src/pulumi/aws/managed-postgres-database';
import { PgDumpLocation } from '../../../src/pulumi/aws/pg-dump-source';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import {
  RequirePostgresBackups, RequirePostgresBackupsProps, UnprotectedPostgresDatabasesError, recordProtectedDatabase,
} from '../../../src/pulumi/aws/require-postgres-backups';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { VerifyRestore } from '../../../src/pulumi/aws/verify-restore';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };

/**
 * Runs `program` as a Pulumi program of its own: a fresh stack resource, so the guard it creates sees its resources
 * only, and no guard of another test sees them. Resolves once the stack has registered the program's resources.
 */
async function inStack(
  program: (guard: RequirePostgresBackups) => pulumi.Output<unknown>[] | void, props?: RequirePostgresBackupsProps,
): Promise<RequirePostgresBackups> {
  let guard: RequirePostgresBackups | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    guard = new RequirePostgresBackups(props);
    await Promise.all((program(guard) ?? []).map((output) => valueOf(output)));
    return {};
  });
  await new Promise((resolve) => setImmediate(resolve));
  return guard!;
}

function postgres(name: string, args: Partial<rds.InstanceArgs> = {}): rds.Instance {
  return new rds.Instance(name, {
    identifier: `${name}-db`,
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
    ...managedSnapshotArgs({ backupRetentionDays: 7 }, { finalSnapshotIdentifier: `${name}-final` }),
    ...args,
  });
}

function auroraPostgres(name: string): { cluster: rds.Cluster; instances: rds.ClusterInstance[] } {
  const cluster = new rds.Cluster(name, {
    clusterIdentifier: `${name}-cluster`, engine: 'aurora-postgresql', engineVersion: '16.4', masterUsername: 'postgres', manageMasterUserPassword: true,
  });
  const instances = ['writer', 'reader'].map((role) => new rds.ClusterInstance(`${name}-${role}`, {
    clusterIdentifier: cluster.id, engine: 'aurora-postgresql', instanceClass: 'db.r6g.large',
  }));
  return { cluster, instances };
}

function dumped(name: string, database: rds.Instance): ScheduledPgDump {
  return new ScheduledPgDump(name, {
    ...NETWORK, image: IMAGE, database: PostgresDatabase.fromInstance(database, { postgresMajorVersion: 16 }), databaseNames: ['orders'],
  });
}

/** The databases `check()` names in its error, or an empty list when it passes. */
function namedByCheck(guard: RequirePostgresBackups): readonly string[] {
  try {
    return guard.check();
  } catch (error) {
    if (error instanceof UnprotectedPostgresDatabasesError) return error.databases;
    throw error;
  }
}

describe('RequirePostgresBackups', () => {
  test('an unprotected RDS for PostgreSQL instance fails the check with one error naming it and its type', async () => {
    const guard = await inStack(() => [postgres('orders').urn]);
    expect(() => guard.check()).toThrow(new UnprotectedPostgresDatabasesError(
      'One PostgreSQL database has no backups: no ScheduledPgDump, ManagedPostgresBackupPlan or PostgresBackupBlueprint protects it:\n'
      + '  - orders (aws:rds/instance:Instance)\n'
      + 'Protect each, or acknowledge it with RequirePostgresBackups.acknowledge(database, reason) giving the reason it needs none.',
      ['orders'],
    ));
  });

  test('an instance dumped by a ScheduledPgDump passes', async () => {
    const guard = await inStack(() => {
      const dump = dumped('orders-dump', postgres('orders'));
      return [dump.urn, dump.taskDefinition.arn, ...dump.schedules.map((schedule) => schedule.arn)];
    });
    expect(guard.check()).toEqual([]);
  });

  test('an instance backed up by a ManagedPostgresBackupPlan passes', async () => {
    const guard = await inStack(() => {
      const plan = new ManagedPostgresBackupPlan('orders-plan', { database: ManagedPostgresDatabase.fromInstance(postgres('orders')) });
      return [plan.urn, plan.plan.arn, plan.selection.id];
    });
    expect(guard.check()).toEqual([]);
  });

  test('a restore drill alone does not protect a database', async () => {
    const guard = await inStack(() => {
      postgres('orders');
      const drill = new VerifyRestore('orders-drill', {
        ...NETWORK,
        image: IMAGE,
        source: PgDumpLocation.fromBucket({
          bucketName: 'legacy-dumps', bucketArn: 'arn:aws:s3:::legacy-dumps', prefix: 'orders', databaseNames: ['orders'], postgresMajorVersion: 16,
        }),
      });
      return [drill.urn, drill.stateMachine.arn];
    });
    expect(namedByCheck(guard)).toEqual(['orders']);
  });

  test('a dump protects only the database it dumps', async () => {
    const guard = await inStack(() => {
      const dump = dumped('orders-dump', postgres('orders'));
      postgres('billing');
      return [dump.urn, dump.taskDefinition.arn];
    });
    expect(namedByCheck(guard)).toEqual(['billing']);
  });

  test('an unprotected Aurora PostgreSQL cluster is named once, and its cluster instances are not named', async () => {
    const guard = await inStack(() => {
      const { cluster, instances } = auroraPostgres('analytics');
      return [cluster.urn, ...instances.map((instance) => instance.urn)];
    });
    expect(() => guard.check()).toThrow(/:\n {2}- analytics \(aws:rds\/cluster:Cluster\)\nProtect each/);
    expect(namedByCheck(guard)).toEqual(['analytics']);
  });

  test('a read replica is not checked by default', async () => {
    const guard = await inStack((g) => {
      const primary = postgres('orders');
      g.acknowledge(primary, 'the replica is the one under test');
      return [new rds.Instance('orders-replica', { replicateSourceDb: primary.identifier, instanceClass: 'db.t4g.medium' }).urn];
    });
    expect(guard.check()).toEqual([]);
  });

  test('with includeReadReplicas a read replica is named, with the engine of its source', async () => {
    const guard = await inStack((g) => {
      const primary = postgres('orders');
      g.acknowledge(primary, 'the replica is the one under test');
      return [new rds.Instance('orders-replica', { replicateSourceDb: primary.identifier, instanceClass: 'db.t4g.medium' }).urn];
    }, { includeReadReplicas: true });
    expect(() => guard.check()).toThrow(/\n {2}- orders-replica \(aws:rds\/instance:Instance\)\n/);
  });

  test('with includeReadReplicas a replica of a MySQL instance of the program is not checked', async () => {
    const guard = await inStack(() => {
      const primary = new rds.Instance('shop', { engine: 'mysql', instanceClass: 'db.t4g.medium', allocatedStorage: 20 });
      return [new rds.Instance('shop-replica', { replicateSourceDb: primary.arn, instanceClass: 'db.t4g.medium' }).urn];
    }, { includeReadReplicas: true });
    expect(guard.check()).toEqual([]);
  });

  test('MySQL instances and Aurora MySQL clusters are not checked, and the engine is compared case-insensitively', async () => {
    const guard = await inStack(() => [
      new rds.Instance('shop', { engine: 'mysql', instanceClass: 'db.t4g.medium', allocatedStorage: 20 }).urn,
      new rds.Cluster('catalog', { engine: 'aurora-mysql', masterUsername: 'admin', manageMasterUserPassword: true }).urn,
      postgres('orders', { engine: 'Postgres' }).urn,
    ]);
    expect(namedByCheck(guard)).toEqual(['orders']);
  });

  test('a database whose engine is an output is checked as PostgreSQL, and the error says why', async () => {
    const guard = await inStack(() => [postgres('legacy', { engine: pulumi.output('postgres') }).urn]);
    expect(() => guard.check()).toThrow(
      '  - legacy (aws:rds/instance:Instance; its engine is not known while the program runs, so it is checked as PostgreSQL)\n',
    );
  });

  test('at level warning the check does not throw, logs a warning on each unprotected database and returns their names', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      let orders: rds.Instance | undefined;
      const guard = await inStack(() => {
        orders = postgres('orders');
        return [orders.urn, auroraPostgres('analytics').cluster.urn];
      }, { level: 'warning' });
      expect(guard.check()).toEqual(['orders', 'analytics']);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledWith(
        'The PostgreSQL database orders (aws:rds/instance:Instance) has no backups: no ScheduledPgDump, ManagedPostgresBackupPlan or '
        + 'PostgresBackupBlueprint protects it. Protect it, or acknowledge it with RequirePostgresBackups.acknowledge(database, reason) giving the reason it needs none.',
        orders,
      );
    } finally {
      warn.mockRestore();
    }
  });

  test('an acknowledged database passes at level error', async () => {
    const guard = await inStack((g) => {
      const scratch = postgres('scratch');
      g.acknowledge(scratch, 'rebuilt from fixtures on every run');
      return [scratch.urn];
    });
    expect(guard.check()).toEqual([]);
  });

  test('an acknowledged database gets no warning at level warning', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    try {
      const guard = await inStack((g) => {
        const scratch = postgres('scratch');
        g.acknowledge(scratch, 'rebuilt from fixtures on every run');
        return [scratch.urn];
      }, { level: 'warning' });
      expect(guard.check()).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test.each(['', '   '])('acknowledging with the reason %j fails, naming the reason and what is allowed', async (reason) => {
    await inStack((g) => {
      const scratch = postgres('scratch');
      expect(() => g.acknowledge(scratch, reason)).toThrow(PolicyValidationError);
      expect(() => g.acknowledge(scratch, reason)).toThrow(
        `RequirePostgresBackups.acknowledge.reason is ${JSON.stringify(reason)}; allowed: a non-empty reason why the database needs no backups`,
      );
      return [scratch.urn];
    });
  });

  test('a level other than error or warning is rejected, naming the allowed levels', async () => {
    await inStack(() => {
      expect(() => new RequirePostgresBackups({ level: 'fatal' as 'error' })).toThrow('RequirePostgresBackups.level is "fatal"; allowed: one of: error, warning');
    });
  });

  test('several unprotected databases are listed in one error, in the order they were created', async () => {
    const guard = await inStack(() => [
      postgres('orders').urn, auroraPostgres('analytics').cluster.urn, postgres('billing').urn,
    ]);
    expect(() => guard.check()).toThrow(/^3 PostgreSQL databases have no backups: .* protects them:\n {2}- orders .*\n {2}- analytics .*\n {2}- billing .*\nProtect each/);
    expect(namedByCheck(guard)).toEqual(['orders', 'analytics', 'billing']);
  });

  test('a guard sees only the resources created after it, so an earlier program\'s databases are not named', async () => {
    await inStack(() => [postgres('earlier').urn]);
    const guard = await inStack(() => [postgres('later').urn]);
    expect(namedByCheck(guard)).toEqual(['later']);
  });

  test('a database read with get is not checked: another program manages it', async () => {
    const guard = await inStack(() => [rds.Instance.get('shared', 'shared-db').urn]);
    expect(guard.check()).toEqual([]);
  });

  test('without a stack resource the guard cannot be created, and says where it must be', () => {
    // Installing the mocks starts a new program, which has no stack resource until runInPulumiStack creates one.
    installAwsMocks(engine);
    expect(() => new RequirePostgresBackups()).toThrow(/must be created inside a Pulumi program, .*inside pulumi\.runtime\.runInPulumiStack\): The root stack resource was referenced before it was initialized/);
  });

  test('recording a restore drill as a protection is refused', () => {
    expect(() => recordProtectedDatabase(undefined, 'restore-drill' as 'logical-dump'))
      .toThrow('recordProtectedDatabase: kind is "restore-drill"; allowed: one of: logical-dump, managed-backup, wal-archive');
  });
});
