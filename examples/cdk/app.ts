import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defineBackupExample } from './backup-app';

const app = new App();
// A fixed account and region: the example synthesizes offline, without credentials or lookups.
defineBackupExample(app, { account: app.node.tryGetContext('account') ?? '123456789012', region: app.node.tryGetContext('region') ?? 'eu-west-1' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
