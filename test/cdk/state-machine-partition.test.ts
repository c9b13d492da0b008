import { integrationsOf } from '../core/aws/state-machines/drill-harness';
import { CDK_EXAMPLES, synthesizeCdkExample } from '../golden/cdk-examples';

const stateMachines = CDK_EXAMPLES.flatMap((example) => Object.entries(synthesizeCdkExample(example)).flatMap(([stack, template]) => Object.entries(
  template.Resources as Record<string, any>,
).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine').map(([id, resource]) => [`${stack}/${id}`, resource.Properties] as const)));

describe('the state machines of every CDK example', () => {
  test('are the drills, checks and validations the examples create', () => {
    expect(stateMachines).toHaveLength(9);
  });

  // Step Functions refuses an integration of another partition: a stack in aws-cn or aws-us-gov must name its own.
  test.each(stateMachines)('%s calls its integrations in the partition it is deployed to', (_id, properties) => {
    expect(typeof properties.DefinitionString).toBe('string');
    const integrations = integrationsOf(JSON.parse(properties.DefinitionString).States);
    expect(integrations.length).toBeGreaterThan(0);
    expect(integrations.filter((resource) => !resource.startsWith('arn:${Partition}:states:::'))).toEqual([]);
    expect(properties.DefinitionSubstitutions.Partition).toEqual({ Ref: 'AWS::Partition' });
  });
});
