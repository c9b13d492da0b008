import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { grantPlannedActions } from '../../src/cdk/planned-grants';
import { STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, STATE_MACHINE_SCHEDULE_IAM_ACTIONS } from '../../src/core/aws/iam-action-groups';

function role(): { stack: Stack; role: iam.Role } {
  const stack = new Stack();
  return { stack, role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') }) };
}

describe('grantPlannedActions, the one grant renderer of the CDK constructs', () => {
  test('grants each of core\'s action groups on its kind\'s resources', () => {
    const { stack, role: grantee } = role();
    grantPlannedActions(grantee, STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS, { 'log-delivery': { resources: ['*'] }, 'tracing': { resources: ['*'] } }, 'VerifyRestore');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS.map((group) => ({ Effect: 'Allow', Action: [...group.actions], Resource: '*' })) },
    });
  });

  test('a kind scoped to null does not exist here and is granted nothing; a kind without a scope is refused, never granted on *', () => {
    const { stack, role: grantee } = role();
    grantPlannedActions(grantee, STATE_MACHINE_SCHEDULE_IAM_ACTIONS, { 'state-machine': { resources: ['arn:aws:states:eu-west-1:123456789012:stateMachine:drill'] }, 'dead-letter-queue': null }, 'VerifyRestore');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: 'arn:aws:states:eu-west-1:123456789012:stateMachine:drill' }] },
    });
    expect(() => grantPlannedActions(role().role, STATE_MACHINE_SCHEDULE_IAM_ACTIONS, { 'state-machine': { resources: ['arn'] } }, 'VerifyRestore'))
      .toThrow('VerifyRestore needs dead-letter-queue permissions (sqs:SendMessage), which it cannot scope');
  });
});
