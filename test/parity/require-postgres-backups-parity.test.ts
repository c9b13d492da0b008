import * as pulumiRds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cdk from '../../src/cdk';
import * as pulumiAws from '../../src/pulumi/aws';
import { TEST_RUNNER_IMAGE } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks, valueOf } from '../pulumi/aws/aws-mocks';
import { validationErrorOf, validationLines } from '../support/validation-cases';

const engine = new AwsMockEngine();
installAwsMocks(engine);

/** The databases the CDK Aspect reports at level warning, by construct id: one dumped, one forgotten, one MySQL. */
function cdkFindings(): string[] {
  const app = new App();
  const stack = new Stack(app, 'Apps', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-01', 'subnet-02'],
  });
  const postgres = (id: string) => new rds.DatabaseInstance(stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc, allocatedStorage: 20,
  });
  new cdk.ScheduledPgDump(stack, 'Dump', { vpc, database: cdk.PostgresDatabase.fromInstance(postgres('Dumped')), databaseNames: ['shop'], image: TEST_RUNNER_IMAGE });
  postgres('Forgotten');
  new rds.DatabaseInstance(stack, 'MySql', { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }), vpc });
  Aspects.of(app).add(new cdk.RequirePostgresBackups({ level: 'warning' }));
  app.synth();
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('has no backups'))
    .map((finding) => finding.id.split('/').pop()!.toLowerCase()).sort();
}

/** The databases the Pulumi guard reports at level warning, by resource name, for the same three databases. */
async function pulumiFindings(): Promise<string[]> {
  let findings: string[] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    const guard = new pulumiAws.RequirePostgresBackups({ level: 'warning' });
    const postgres = (name: string, engineName = 'postgres') => new pulumiRds.Instance(name, {
      engine: engineName, instanceClass: 'db.t4g.medium', allocatedStorage: 20, manageMasterUserPassword: true, username: 'postgres',
    });
    const dump = new pulumiAws.ScheduledPgDump('dump', {
      vpcId: 'vpc-0123',
      subnetIds: ['subnet-a'],
      image: 'example.com/pg-backup:16',
      database: pulumiAws.PostgresDatabase.fromInstance(postgres('dumped'), { postgresMajorVersion: 16 }),
      databaseNames: ['shop'],
    });
    postgres('forgotten');
    postgres('mysql', 'mysql');
    await valueOf(dump.taskFailedRule.arn);
    findings = guard.check();
    return {};
  });
  return findings.sort();
}

describe('RequirePostgresBackups: CDK and Pulumi', () => {
  test('the same databases are reported: an unprotected PostgreSQL instance, neither a dumped one nor a MySQL one', async () => {
    const cdkReported = cdkFindings();
    expect(await pulumiFindings()).toEqual(cdkReported);
    expect(cdkReported).toEqual(['forgotten']);
  });

  test('the same bad level gives the same validation message', () => {
    const level = 'fatal' as 'error';
    const cdkLines = validationLines(validationErrorOf(() => new cdk.RequirePostgresBackups({ level })));
    expect(validationLines(validationErrorOf(() => new pulumiAws.RequirePostgresBackups({ level })))).toEqual(cdkLines);
    expect(cdkLines).toEqual(['RequirePostgresBackups.level is "fatal"; allowed: one of: error, warning']);
  });
});
