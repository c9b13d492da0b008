import { EventNotificationPlan, eventPatternDetail, notificationInputTransformer } from '../../../src/core/aws/event-notification';
import { planSelfHostedPitrArchive } from '../../../src/core/aws/self-hosted-pitr-archive';

const rule: EventNotificationPlan = {
  id: 'FailedThingRule',
  name: 'failed-things',
  description: 'A thing of ${Database} failed',
  eventPattern: { 'source': ['aws.ssm'], 'detail-type': ['Thing State Change'], 'detail': { 'thing-id': [{ resource: 'things' }], 'status': ['Failed'] } },
  message: ['${Database}: thing ', { eventPath: '$.detail.thing-name' }, ' failed (', { eventPath: '$.detail.detailed-status' }, ')'],
};

describe('planned event notifications', () => {
  test('a pattern value naming a planned resource kind becomes every identifier the front end gives for it', () => {
    expect(eventPatternDetail(rule, { things: ['id-1', 'id-2'] }, (text) => text)).toEqual({ 'thing-id': ['id-1', 'id-2'], 'status': ['Failed'] });
  });

  test('every text of the pattern passes through the fill, identifiers do not', () => {
    expect(eventPatternDetail(rule, { things: ['${Database}'] }, (text) => text.toLowerCase())).toEqual({ 'thing-id': ['${Database}'], 'status': ['failed'] });
  });

  test('a pattern naming a planned resource the front end did not render is an error naming the rule and the resource', () => {
    expect(() => eventPatternDetail(rule, {}, (text) => text)).toThrow('the event rule FailedThingRule names the planned resource things, which was not rendered');
  });

  test('the message becomes an input transformer: each event field a named input, quoted as <name> in a JSON string template', () => {
    expect(notificationInputTransformer(rule.message)).toEqual({
      inputPaths: { 'detail-thing-name': '$.detail.thing-name', 'detail-detailed-status': '$.detail.detailed-status' },
      inputTemplate: '"${Database}: thing <detail-thing-name> failed (<detail-detailed-status>)"',
    });
  });

  test('a SelfHostedPitrArchive notifies failed State Manager runs of its own associations, naming the host and the association', () => {
    const failed = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15 }).failedAssociations;
    expect(eventPatternDetail(failed, { associations: ['a-1', 'a-2', 'a-3'] }, (text) => text)).toEqual({ 'association-id': ['a-1', 'a-2', 'a-3'], 'status': ['Failed'] });
    expect(notificationInputTransformer(failed.message).inputTemplate)
      .toBe('"orders: association <detail-association-name> failed on <detail-instance-id> (<detail-detailed-status>)"');
  });
});
