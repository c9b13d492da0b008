import * as pulumi from '@pulumi/pulumi';
import { AzureMockEngine, installAzureMocks, valueOf } from './azure-mocks';
import { definePostgresBackups } from '../../../examples/pulumi-azure/backup-program';
import { parseCommandLine } from '../../../src/runner/cli-commands';

const engine = new AzureMockEngine();
installAzureMocks(engine);
pulumi.runtime.setAllConfig({ 'postgres-backup:administratorPassword': 'example-only-password' }, ['postgres-backup:administratorPassword']);

describe('the Pulumi Azure example', () => {
  test('protects its server three ways: its own geo-redundant backups (drilled weekly to a point in time), the vault, and nightly dumps encrypted with age, pruned by grandfather-father-son retention, with a weekly drill, an hourly RPO watch and an offsite copy in another region', async () => {
    const example = definePostgresBackups();
    await Promise.all([valueOf(example.serverId), valueOf(example.dumpLocation), ...example.dumpJobIds.map((id) => valueOf(id))]);
    await pulumi.runtime.disconnect();
    const count = (type: string) => engine.ofType(type).length;
    expect(count('azure-native:dbforpostgresql:Server')).toBe(1);
    expect(count('azure-native:dataprotection:BackupInstance')).toBe(1);
    expect(engine.ofType('azure-native:app:Job').map((job) => job.name).sort()).toEqual(['shop-drill-0', 'shop-dump-0', 'shop-pitr-drill-age', 'shop-pitr-job', 'shop-prune-0', 'shop-rpo-watch-0']);
    expect(count('azure-native:monitor:ActionGroup')).toBe(1);
    expect(engine.named('azure-native:dbforpostgresql:Server', 'shop').inputs.backup).toEqual({ backupRetentionDays: 35, geoRedundantBackup: 'Enabled' });
    const dump = parseCommandLine(engine.named('azure-native:app:Job', 'shop-dump-0').inputs.template.containers[0].args);
    expect(dump.flags).toMatchObject({ database: 'shop', globals: true, to: [await valueOf(example.dumpLocation)] });
    const dumpEnv = engine.named('azure-native:app:Job', 'shop-dump-0').inputs.template.containers[0].env;
    expect(dumpEnv).toContainEqual({ name: 'PG_BACKUP_AGE_RECIPIENTS', value: expect.stringMatching(/^age1/) });
    expect(engine.named('azure-native:app:Job', 'shop-drill-0').inputs.template.containers[0].env)
      .toContainEqual({ name: 'PG_BACKUP_AGE_IDENTITY', secretRef: 'age-identity' });
    const prune = parseCommandLine(engine.named('azure-native:app:Job', 'shop-prune-0').inputs.template.containers[0].args);
    expect(prune.flags).toMatchObject({ 'from': await valueOf(example.dumpLocation), 'database': 'shop', 'daily': '7', 'weekly': '4', 'monthly': '12', 'minimum-kept': '3' });
    const pitr = parseCommandLine(engine.named('azure-native:app:Job', 'shop-pitr-job').inputs.template.containers[0].args);
    expect(pitr.flags).toMatchObject({ 'database': 'shop', 'target-random': true, 'record-to': await valueOf(example.dumpLocation) });
    expect(pitr.flags['resource-group']).toBe('shop-drills');
    const replica = engine.named('azure-native:storage:StorageAccount', 'shop-storage-replica').inputs;
    expect(replica.location).toBe('northeurope');
    const replicaRule = engine.named('azure-native:storage:ManagementPolicy', 'shop-storage-replica-lifecycle').inputs.policy.rules[0];
    const dumpRule = engine.named('azure-native:storage:ManagementPolicy', 'shop-storage-lifecycle').inputs.policy.rules[0];
    expect(replicaRule.definition.actions.baseBlob.delete).toEqual(dumpRule.definition.actions.baseBlob.delete);
    expect(count('azure-native:storage:ObjectReplicationPolicy')).toBe(2);
    expect(dump.flags['database-url']).toBe('postgresql://backup_reader@shop-db.postgres.database.azure.com:5432/postgres?sslmode=require');
  });
});
