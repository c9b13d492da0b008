import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { SelfHostedPitrArchive } from '../../../src/pulumi/aws/self-hosted-pitr-archive';

// The provider of this program is in China, whose partition's endpoints end with amazonaws.com.cn.
const engine = new AwsMockEngine({ awsRegion: 'cn-north-1' });
installAwsMocks(engine);

test("SelfHostedPitrArchive's pgbackrest.conf names the S3 endpoint of the provider's region in its partition's domain", async () => {
  const archive = new SelfHostedPitrArchive('orders', { clusterName: 'orders', postgresMajorVersion: 15 });
  await valueOf(archive.archiverConfParameter!.arn);
  const value = engine.named('aws:ssm/parameter:Parameter', 'orders-archiver-conf').inputs.value;
  const text: string = typeof value === 'object' && value !== null && 'value' in value ? value.value : value;
  expect(text).toContain('\nrepo1-s3-endpoint=s3.cn-north-1.amazonaws.com.cn\nrepo1-s3-region=cn-north-1\n');
});
