import { DeployTimeValue, Validator } from '../../../src/core/policy/validation';

/** A value the front end cannot know yet, as a test stands in for a CDK token or a Pulumi output. */
class Later {}
const later = () => new Later();
const validation = { isUnresolved: (value: unknown) => value instanceof Later };
const WHY = 'it decides the drill when the template is synthesized';

describe('props that need a literal, given the props as the user wrote them', () => {
  test('a value not known yet under such a prop is refused at its path, though no check of its own reads it', () => {
    const validator = new Validator(validation);
    validator.requireLiterals({ scratchInstance: WHY }, { scratchInstance: { identifierPrefix: later(), instanceClass: 'db.t4g.micro' }, cpu: later() });
    expect(validator.issues).toEqual([{
      path: 'scratchInstance.identifierPrefix', value: new DeployTimeValue(), allowed: 'a literal: the value itself, written where the construct is declared', reason: WHY,
    }]);
  });

  test('a list not known yet whose entries hold such props is refused as a whole, at its own path', () => {
    const validator = new Validator(validation);
    validator.requireLiterals({ 'backupPlan.rules.frequency': WHY }, { backupPlan: { rules: later() } });
    expect(validator.issues.map((issue) => [issue.path, issue.reason])).toEqual([['backupPlan.rules', WHY]]);
  });

  test('entries of a list are named by their index, and what is not a plain object (a construct, a handle) is not looked into', () => {
    const handle = new (class Handle { public readonly secret = later(); })();
    const validator = new Validator(validation);
    validator.requireLiterals({ databases: WHY }, { databases: [{ id: 'a', database: handle }, { id: later(), database: handle }] });
    expect(validator.issues.map((issue) => issue.path)).toEqual(['databases[1].id']);
  });

  test('a check that refuses the same prop with its range replaces the refusal, and is told once', () => {
    const validator = new Validator(validation);
    validator.requireLiterals({ rpoHours: WHY }, { rpoHours: later() });
    validator.integer('rpoHours', later() as unknown as number, 1, 168, 'hours');
    validator.requireLiterals({}, { rpoHours: later() });
    expect(validator.issues).toEqual([{ path: 'rpoHours', value: new DeployTimeValue(), allowed: 'a literal: an integer from 1 to 168 hours', reason: WHY }]);
  });

  test('without the props, and under props that may be left to deploy time, nothing is refused', () => {
    const validator = new Validator(validation);
    validator.requireLiterals({ rpoHours: WHY });
    validator.requireLiterals({ rpoHours: WHY }, { cpu: later(), prefix: later(), rpoHours: 26 });
    expect(validator.issues).toEqual([]);
  });
});
