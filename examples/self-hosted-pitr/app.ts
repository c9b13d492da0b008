import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SelfHostedPitrExampleStack } from './pitr-stack';

const app = new App();
// A fixed account and region: the example synthesizes offline, without credentials or lookups.
new SelfHostedPitrExampleStack(app, 'SelfHostedPitrExample', {
  env: { account: app.node.tryGetContext('account') ?? '123456789012', region: app.node.tryGetContext('region') ?? 'eu-west-1' },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
