import { STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, STATE_MACHINE_SCHEDULE_IAM_ACTIONS } from '../../../src/core/aws/iam-action-groups';
import { grantStatements } from '../../../src/pulumi/aws/policy-document';

describe('grantStatements, the one grant renderer of Pulumi AWS', () => {
  test('grants each of core\'s action groups on its kind\'s resources, one action as a string, several as a list', () => {
    expect(grantStatements(STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, { 'log-delivery': { resources: '*' }, 'tracing': { resources: '*' } })).toEqual(
      STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS.map((group) => ({ Effect: 'Allow', Action: [...group.actions], Resource: '*' })),
    );
    expect(grantStatements(STATE_MACHINE_SCHEDULE_IAM_ACTIONS, {
      'state-machine': { resources: 'arn:aws:states:eu-west-1:123456789012:stateMachine:drill', condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } },
    })).toEqual([{
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: 'arn:aws:states:eu-west-1:123456789012:stateMachine:drill',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    }]);
  });

  test('a kind without a scope grants nothing, unless the component is named: then it is refused, never granted on *', () => {
    expect(grantStatements(STATE_MACHINE_SCHEDULE_IAM_ACTIONS, { 'state-machine': { resources: 'arn' } })).toHaveLength(1);
    expect(() => grantStatements(STATE_MACHINE_SCHEDULE_IAM_ACTIONS, { 'state-machine': { resources: 'arn' } }, 'VerifyRestore'))
      .toThrow('VerifyRestore needs dead-letter-queue permissions (sqs:SendMessage), which it cannot scope');
  });
});
