import { CDK_EXAMPLES as EXAMPLES, stackIdsOf, synthesizeCdkExample } from './cdk-examples';
import { expectGolden, normalizeTemplate } from './golden-files';

describe('the synthesized templates of the CDK examples', () => {
  test.each(EXAMPLES.map((example) => [example.directory, example] as const))('examples/%s synthesizes the template of its golden file', (directory, example) => {
    const templates = synthesizeCdkExample(example);
    expect(Object.keys(templates).sort()).toEqual(stackIdsOf(example).sort());
    for (const [stack, template] of Object.entries(templates)) expectGolden(`${directory}/${stack}.template.json`, template);
  });

  test('a template is compared without asset hashes and the bootstrap-version check, and with everything else', () => {
    const hash = 'ab'.repeat(32);
    const normalized = normalizeTemplate({
      Parameters: { BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>' }, Retention: { Type: 'Number' } },
      Rules: { CheckBootstrapVersion: { Assertions: [] } },
      Resources: { Image: { Type: 'AWS::ECS::TaskDefinition', Properties: { Image: `repo:${hash}`, Cpu: '256' } } },
    });
    expect(normalized).toEqual({
      Parameters: { Retention: { Type: 'Number' } },
      Resources: { Image: { Type: 'AWS::ECS::TaskDefinition', Properties: { Image: 'repo:<asset-hash>', Cpu: '256' } } },
    });
  });
});
