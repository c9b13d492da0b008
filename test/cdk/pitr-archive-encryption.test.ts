import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { TEST_RUNNER_IMAGE, actionsOf, logicalIdOf, statementsOfRole } from './stacks';
import { SelfHostedPitrArchive, SelfHostedPitrArchiveProps } from '../../src/cdk';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const PASS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cipher-pass-AbCdEf';

function encryptedArchive(
  props: Partial<SelfHostedPitrArchiveProps> = {}, extend: (stack: Stack, archive: SelfHostedPitrArchive) => void = () => undefined,
): { stack: Stack; archive: SelfHostedPitrArchive; template: Template } {
  const stack = new Stack(new App(), 'Pitr', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Pass', PASS_ARN);
  const archive = new SelfHostedPitrArchive(stack, 'Archive', {
    clusterName: 'orders', postgresMajorVersion: 15, createInstanceRole: true, encryption: { secret }, drill: { vpc, image: TEST_RUNNER_IMAGE }, ...props,
  });
  extend(stack, archive);
  return { stack, archive, template: Template.fromStack(stack) };
}

const readsPass = (statements: any[]) => statements.filter((statement) => JSON.stringify(statement.Resource).includes('cipher-pass'));

describe('CDK SelfHostedPitrArchive with pgBackRest repository encryption', () => {
  const { stack, archive, template } = encryptedArchive();
  const parameters = Object.values(template.findResources('AWS::SSM::Parameter')).map((parameter) => JSON.stringify(stack.resolve(parameter.Properties.Value)));

  test('the pgbackrest.conf parameter names the cipher type and no parameter holds a pass', () => {
    expect(parameters.some((value) => value.includes('repo1-cipher-type=aes-256-cbc'))).toBe(true);
    expect(parameters.some((value) => value.includes('cipher-pass'))).toBe(false);
  });

  test('the instance role may read the pass secret and nothing else of Secrets Manager', () => {
    const statements = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveInstanceRole'));
    const secretStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PASS_ARN }]);
  });

  test('the drill container gets the pass from its execution role as PGBACKREST_REPO1_CIPHER_PASS; its task role cannot read it', () => {
    const [definition] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
    expect(definition.Properties.ContainerDefinitions[0].Secrets).toEqual([{ Name: 'PGBACKREST_REPO1_CIPHER_PASS', ValueFrom: PASS_ARN }]);
    expect(readsPass(statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveDrillTaskExecutionRole')))).toHaveLength(1);
    expect(readsPass(statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveDrillTaskTaskRole')))).toEqual([]);
  });

  test('the user data reads the secret into the include file and holds no pass itself', () => {
    const userData = stack.resolve(archive.userDataCommands()) as string[];
    expect(userData).toContain(`{ printf '[global]\\nrepo1-cipher-pass='; aws secretsmanager get-secret-value --region eu-west-1 --secret-id ${PASS_ARN} `
      + '--query SecretString --output text; } > /etc/pgbackrest/conf.d/repo1-cipher-pass.conf');
  });

});

test('grantReadEncryptionSecret lets a host role of the app read the secret, scoped to it', () => {
  let host: iam.Role | undefined;
  const { stack, template } = encryptedArchive({ createInstanceRole: false }, (scope, archive) => {
    host = new iam.Role(scope, 'AppHost', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    archive.grantReadEncryptionSecret(host);
  });
  const statements = statementsOfRole(template, stack.getLogicalId(host!.node.defaultChild as CfnElement));
  expect(readsPass(statements)).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PASS_ARN }]);
});

test('WAL-G\'s environment names the key file and its encoding, and no parameter holds the key', () => {
  const { stack, template } = encryptedArchive({ pitr: { archiver: 'wal-g' }, drill: undefined, encryption: undefined }, (scope) => {
    new SelfHostedPitrArchive(scope, 'WalG', {
      clusterName: 'shop',
      postgresMajorVersion: 15,
      pitr: { archiver: 'wal-g' },
      createInstanceRole: true,
      encryption: { secret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'Key', PASS_ARN), keyEncoding: 'base64' },
    });
  });
  const parameters = template.findResources('AWS::SSM::Parameter');
  const values = (prefix: string) => Object.keys(parameters).filter((id) => id.startsWith(prefix))
    .map((id) => JSON.stringify(stack.resolve(parameters[id].Properties.Value)));
  expect(values('Archive').some((value) => value.includes('LIBSODIUM'))).toBe(false);
  const encrypted = values('WalG').filter((value) => value.includes('LIBSODIUM'));
  expect(encrypted).toHaveLength(1);
  expect(encrypted[0]).toContain('WALG_LIBSODIUM_KEY_PATH=/etc/wal-g/libsodium.key\\nWALG_LIBSODIUM_KEY_TRANSFORM=base64');
});
