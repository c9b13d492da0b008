import { PolicyValidationError } from '../../../../src/core';
import { StateMachineDefinition, dumpRestoreDrill, listPlaceholders, renderDefinition } from '../../../../src/core/aws/state-machines';

const definition: StateMachineDefinition = {
  StartAt: 'Notify',
  TimeoutSeconds: 60,
  States: {
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: { 'TopicArn': '${TopicArn}', 'Subject': '${Name} failed', 'Message.$': "States.Format('{} ${Name}', $.x)" },
      TimeoutSeconds: 10,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('listPlaceholders', () => {
  test('lists each placeholder once, sorted', () => {
    expect(listPlaceholders(definition)).toEqual(['Name', 'TopicArn']);
  });

  test('reads JSON text as well as a definition object', () => {
    expect(listPlaceholders(JSON.stringify(definition))).toEqual(['Name', 'TopicArn']);
  });
});

describe('renderDefinition', () => {
  test('replaces every placeholder, wherever it stands in a string', () => {
    const rendered = JSON.parse(renderDefinition(definition, { TopicArn: 'arn:aws:sns:eu-west-1:1:alerts', Name: 'orders' }));
    expect(rendered.States.Notify.Parameters).toEqual({
      'TopicArn': 'arn:aws:sns:eu-west-1:1:alerts', 'Subject': 'orders failed', 'Message.$': "States.Format('{} orders', $.x)",
    });
  });

  test('leaves no placeholder in a rendered drill', () => {
    const drill = dumpRestoreDrill();
    const values = Object.fromEntries(drill.placeholders.map((name) => [name, `value-of-${name}`]));
    expect(listPlaceholders(renderDefinition(drill.definition, values))).toEqual([]);
  });

  test('rejects a missing substitution, naming the placeholder', () => {
    expect(() => renderDefinition(definition, { TopicArn: 'arn:aws:sns:eu-west-1:1:alerts' })).toThrow(/substitutions\.Name is undefined; allowed: a value for the placeholder \$\{Name\}/);
  });

  test('rejects a substitution the definition does not use, naming it', () => {
    expect(() => renderDefinition(definition, { TopicArn: 'a', Name: 'b', Topic: 'c' })).toThrow(/substitutions\.Topic is "c"; allowed: one of the definition's placeholders: Name, TopicArn/);
  });

  test.each(['or"ders', "or'ders", 'or{ders}', 'or\\ders', 'or\nders'])('rejects the value %j, which cannot be substituted safely', (value) => {
    expect(() => renderDefinition(definition, { TopicArn: 'a', Name: value })).toThrow(PolicyValidationError);
  });

  test('reports every problem at once', () => {
    expect(() => renderDefinition(definition, { Extra: 'x' })).toThrow(/3 problems/);
  });
});
