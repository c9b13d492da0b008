import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { getRegionOutput } from '@pulumi/aws/getRegion';
import * as rds from '@pulumi/aws/rds';
import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql';
import * as pulumi from '@pulumi/pulumi';
import { PostgresDatabase } from '../../../src/pulumi/aws';
import { setBackupMocks } from '../../../src/pulumi/testing';
import { valueOf } from '../aws/aws-mocks';

const mocks = setBackupMocks({
  awsAccountId: '210987654321',
  awsRegion: 'us-east-2',
  calls: { 'aws:ec2/getVpc:getVpc': (inputs) => ({ id: inputs.id, cidrBlock: '10.0.0.0/16' }) },
});

beforeEach(() => mocks.reset());

describe('setBackupMocks', () => {
  test('an RDS instance with manageMasterUserPassword reports the secret PostgresDatabase.fromInstance wires in', async () => {
    const instance = new rds.Instance('orders', { engine: 'postgres', instanceClass: 'db.t4g.micro', allocatedStorage: 20, username: 'app', manageMasterUserPassword: true });
    const database = PostgresDatabase.fromInstance(instance);
    expect(await valueOf(database.secretArn)).toBe('arn:aws:secretsmanager:us-east-2:210987654321:secret:rds!orders');
    expect(await valueOf(database.securityGroupId!)).toBe('sg-orders');
    expect(mocks.named('aws:rds/instance:Instance', 'orders').inputs.manageMasterUserPassword).toBe(true);
  });

  test('the account and region data sources answer the account and region given', async () => {
    expect(await valueOf(getCallerIdentityOutput({}).accountId)).toBe('210987654321');
    expect(await valueOf(getRegionOutput({}).region)).toBe('us-east-2');
  });

  test('answers the further calls given, and fails a call it has no answer for, naming its token', async () => {
    const vpc = pulumi.output(pulumi.runtime.invoke('aws:ec2/getVpc:getVpc', { id: 'vpc-1' }));
    expect(await valueOf(vpc)).toEqual({ id: 'vpc-1', cidrBlock: '10.0.0.0/16' });
    expect(() => mocks.call({ token: 'aws:ec2/getSubnet:getSubnet', inputs: { id: 'subnet-1' } } as pulumi.runtime.MockCallArgs))
      .toThrow('BackupMocks has no answer for the call aws:ec2/getSubnet:getSubnet; pass one in the `calls` option');
  });

  test('answers getServer for an Azure server the program creates, from its backup settings', async () => {
    const created = new dbforpostgresql.Server('orders', { resourceGroupName: 'data', serverName: 'orders-db', backup: { backupRetentionDays: 21 } });
    // As a program reads it: once the server exists.
    const backup = created.id.apply(() => dbforpostgresql.getServerOutput({ resourceGroupName: 'data', serverName: 'orders-db' }).backup);
    expect(await valueOf(backup)).toEqual({ backupRetentionDays: 21, geoRedundantBackup: 'Disabled' });
  });

  test('answers getServer for an existing Azure server from mocks.servers, and fails for an unknown one saying how to add it', async () => {
    mocks.servers['data/ledger-db'] = { backupRetentionDays: 14, geoRedundantBackup: 'Enabled' };
    const known = dbforpostgresql.getServerOutput({ resourceGroupName: 'data', serverName: 'ledger-db' });
    expect(await valueOf(known.id)).toBe('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data/providers/Microsoft.DBforPostgreSQL/flexibleServers/ledger-db');
    expect(await valueOf(known.backup)).toEqual({ backupRetentionDays: 14, geoRedundantBackup: 'Enabled' });
    expect(() => mocks.call({ token: 'azure-native:dbforpostgresql:getServer', inputs: { resourceGroupName: 'data', serverName: 'billing-db' } } as pulumi.runtime.MockCallArgs))
      .toThrow("BackupMocks knows no flexible server data/billing-db: create it in the program, or set mocks.servers['data/billing-db'] = { backupRetentionDays: 7 }");
  });
});
