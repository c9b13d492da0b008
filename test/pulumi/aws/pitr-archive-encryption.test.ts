import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { SelfHostedPitrArchive, SelfHostedPitrArchiveProps } from '../../../src/pulumi/aws/self-hosted-pitr-archive';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const PASS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-cipher-pass-AbCdEf';
const PASS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/cipher-pass-key';
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:15';
const DRILL = { vpcId: 'vpc-0123', subnetIds: ['subnet-a'], image: IMAGE };

/** A parameter value as given: the provider marks SSM values secret, which the mock shows as a wrapped value. */
function plain(value: any): string {
  return typeof value === 'object' && value !== null && 'value' in value ? value.value : value;
}

async function deploy(props: Partial<SelfHostedPitrArchiveProps> = {}): Promise<SelfHostedPitrArchive> {
  const archive = new SelfHostedPitrArchive('orders', {
    clusterName: 'orders', postgresMajorVersion: 15, createInstanceRole: true, encryption: { secretArn: PASS_ARN }, drill: DRILL, ...props,
  });
  await Promise.all([
    valueOf(archive.urn), valueOf(archive.postgresqlConfParameter.arn), valueOf(archive.instanceProfile!.arn),
    ...(archive.archiverConfParameter ? [valueOf(archive.archiverConfParameter.arn)] : []),
    ...(archive.drill ? [valueOf(archive.drill.taskDefinition.arn), valueOf(archive.drill.executionRole.arn)] : []),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return archive;
}

const readsSecret = (statements: any[]) => statements.filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'));

describe('Pulumi SelfHostedPitrArchive with pgBackRest repository encryption', () => {
  test('pgbackrest.conf names the cipher type and no parameter holds the pass', async () => {
    await deploy();
    const values = engine.ofType('aws:ssm/parameter:Parameter').map((parameter) => plain(parameter.inputs.value));
    expect(values.find((value) => value.includes('[orders]'))).toContain('repo1-cipher-type=aes-256-cbc\n');
    expect(values.some((value) => value.includes('cipher-pass'))).toBe(false);
  });

  test('the instance role may read only the pass secret, and decrypt it with the key given', async () => {
    await deploy({ encryption: { secretArn: PASS_ARN, secretKeyArn: PASS_KEY_ARN } });
    const statements = engine.roleStatements('orders-instance-role');
    expect(readsSecret(statements)).toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: PASS_ARN }]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: PASS_KEY_ARN });
  });

  test('the drill gets the pass from its execution role as PGBACKREST_REPO1_CIPHER_PASS; its task role cannot read it', async () => {
    await deploy();
    const [container] = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-pitr-drill-task').inputs.containerDefinitions);
    expect(container.secrets).toEqual([{ name: 'PGBACKREST_REPO1_CIPHER_PASS', valueFrom: PASS_ARN }]);
    expect(readsSecret(engine.roleStatements('orders-pitr-drill-execution-role'))).toHaveLength(1);
    expect(readsSecret(engine.roleStatements('orders-pitr-drill-task-role'))).toEqual([]);
    expect(JSON.stringify(container.environment)).not.toContain('cipher-pass');
  });

  test('the user data writes the secret into the include file', async () => {
    const archive = await deploy();
    expect(await valueOf(archive.userDataCommands())).toContain('{ printf \'[global]\\nrepo1-cipher-pass=\'; aws secretsmanager get-secret-value --region eu-west-1 '
      + `--secret-id ${PASS_ARN} --query SecretString --output text; } > /etc/pgbackrest/conf.d/repo1-cipher-pass.conf`);
  });

  test('an unencrypted archive grants no role any secret', async () => {
    await deploy({ encryption: undefined });
    for (const role of ['orders-instance-role', 'orders-pitr-drill-execution-role', 'orders-pitr-drill-task-role']) {
      expect({ role, reads: readsSecret(engine.roleStatements(role)) }).toEqual({ role, reads: [] });
    }
  });
});

test('Pulumi SelfHostedPitrArchive with WAL-G reads its libsodium key from the key file, in the encoding asked for', async () => {
  await deploy({ pitr: { archiver: 'wal-g' }, drill: undefined, encryption: { secretArn: PASS_ARN, keyEncoding: 'base64' } });
  const env = engine.ofType('aws:ssm/parameter:Parameter').map((parameter) => plain(parameter.inputs.value)).find((value) => value.includes('WALG_S3_PREFIX'))!;
  expect(env.split('\n')).toEqual(expect.arrayContaining(['WALG_LIBSODIUM_KEY_PATH=/etc/wal-g/libsodium.key', 'WALG_LIBSODIUM_KEY_TRANSFORM=base64']));
  expect(readsSecret(engine.roleStatements('orders-instance-role'))).toHaveLength(1);
});
