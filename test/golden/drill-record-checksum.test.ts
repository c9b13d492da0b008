import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * S3 refuses a PutObject into a bucket with Object Lock (a dump bucket with immutability) that carries neither
 * Content-MD5 nor a checksum. Every state machine the examples deploy (their golden templates and resource graphs,
 * which test/golden proves equal to what is synthesized) that writes a drill result must ask for one.
 */
const EXAMPLES = path.join(__dirname, 'examples');

/** Every state of a definition, those inside a Map's item processor too. */
function statesOf(definition: any): Array<[string, any]> {
  return Object.entries<any>(definition.States ?? {}).flatMap(([name, state]) => [
    [name, state] as [string, any], ...(state.ItemProcessor ? statesOf(state.ItemProcessor) : []),
  ]);
}

/** The definitions of every state machine of every example, by example. */
function exampleDefinitions(): Array<[string, any]> {
  return fs.readdirSync(EXAMPLES).flatMap((example) => fs.readdirSync(path.join(EXAMPLES, example)).flatMap((file): Array<[string, any]> => {
    const content = JSON.parse(fs.readFileSync(path.join(EXAMPLES, example, file), 'utf8'));
    if (file.endsWith('.template.json')) {
      return Object.values<any>(content.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')
        .map((resource) => [example, JSON.parse(resource.Properties.DefinitionString)]);
    }
    return (content as any[]).filter((resource) => resource.type === 'aws:sfn/stateMachine:StateMachine')
      .map((resource) => [example, typeof resource.inputs.definition === 'string' ? JSON.parse(resource.inputs.definition) : resource.inputs.definition]);
  }));
}

describe('drill results written by the examples\' state machines', () => {
  const puts = exampleDefinitions().flatMap(([example, definition]) => statesOf(definition)
    // A CDK template names the partition by placeholder, which CloudFormation fills; Pulumi's graph has it filled.
    .filter(([, state]) => state.Type === 'Task' && state.Resource.replace('${Partition}', 'aws') === 'arn:aws:states:::aws-sdk:s3:putObject')
    .map(([name, state]) => ({ example, name, state })));

  test('are written by every drill kind the examples deploy: dump (alone and in a fleet), in CDK and Pulumi', () => {
    expect([...new Set(puts.map((put) => put.example))].sort()).toEqual(['blueprint', 'cdk', 'pulumi-aws', 'pulumi-aws-blueprint', 'self-hosted-pitr']);
  });

  test('each put asks S3 to check a SHA-256 of the body, which a bucket with Object Lock requires', () => {
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) {
      expect({ example: put.example, state: put.name, checksum: put.state.Parameters.ChecksumAlgorithm })
        .toEqual({ example: put.example, state: put.name, checksum: 'SHA256' });
    }
  });
});
