import { App, Aspects, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PostgresFleetStack } from './fleet-stack';
// In an application: import { RequirePostgresBackups } from 'postgres-backup-constructs/cdk';
import { RequirePostgresBackups } from '../../src/cdk';

const app = new App();
// A fixed account and region: the example synthesizes offline, without credentials or lookups.
new PostgresFleetStack(app, 'PostgresFleetExample', {
  env: { account: app.node.tryGetContext('account') ?? '123456789012', region: app.node.tryGetContext('region') ?? 'eu-west-1' },
});
// Every PostgreSQL database of the app must be protected, or synthesis fails naming it.
Aspects.of(app).add(new RequirePostgresBackups());
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
