import { App, Stack } from 'aws-cdk-lib';
import { ManagedPostgresDatabase } from '../../src/cdk';
import { ManagedPostgresKind, managedDatabaseArnResource } from '../../src/core/aws/managed-postgres-database';

describe('ManagedPostgresDatabase.fromIdentifier', () => {
  test.each<[ManagedPostgresKind, string]>([
    ['instance', 'db:orders'],
    ['aurora-cluster', 'cluster:orders'],
  ])('names an imported %s by the ARN core gives its kind (%s) in the stack\'s partition, region and account', (kind, resource) => {
    const stack = new Stack(new App(), 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
    const database = ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders', kind });
    expect(managedDatabaseArnResource(kind, 'orders')).toBe(resource);
    expect(stack.resolve(database.arn(stack))).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:eu-west-1:123456789012:${resource}`]] });
    expect(database.accountOf(stack)).toBe('123456789012');
  });
});
