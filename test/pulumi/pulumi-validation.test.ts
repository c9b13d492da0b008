import * as pulumi from '@pulumi/pulumi';
import { AzureMockEngine, failureOf, installAzureMocks, valueOf } from './azure/azure-mocks';
import { planScheduledPgDump } from '../../src/core/aws/scheduled-pg-dump';
import { formatIssue, PolicyValidationError, Validator } from '../../src/core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS, containsUnresolvedPulumiValue, isUnresolvedPulumiValue, recheckWhenKnown, validateWhenKnown } from '../../src/pulumi/pulumi-validation';

installAzureMocks(new AzureMockEngine());

// As in the components: the rule sees inputs, which are plain values by the time the deferred check runs.
const retentionRule = (validator: Validator, value: { days?: pulumi.Input<number> }) =>
  validator.integer('managedSnapshots.backupRetentionDays', value.days as number | undefined, 7, 35, 'days');

describe('the Pulumi validation hook', () => {
  test('outputs and promises are unresolved; plain values, even inside objects, are not', () => {
    expect(isUnresolvedPulumiValue(pulumi.output(3))).toBe(true);
    expect(isUnresolvedPulumiValue(Promise.resolve(3))).toBe(true);
    expect(isUnresolvedPulumiValue(3)).toBe(false);
    expect(isUnresolvedPulumiValue({ days: 3 })).toBe(false);
    expect(containsUnresolvedPulumiValue({ a: [{ b: pulumi.output('x') }] })).toBe(true);
    expect(containsUnresolvedPulumiValue({ a: [{ b: 'x' }] })).toBe(false);
  });

  test('a known bad value is rejected at once with the core message', () => {
    expect(() => validateWhenKnown({ days: 40 }, retentionRule)).toThrow(PolicyValidationError);
    expect(() => validateWhenKnown({ days: 40 }, retentionRule)).toThrow('managedSnapshots.backupRetentionDays is 40; allowed: an integer from 7 to 35 days');
  });

  test('an output is skipped now and rejected once it resolves, with the same message', async () => {
    const checked = validateWhenKnown({ days: pulumi.output(40) }, retentionRule);
    const failure = await failureOf(checked);
    expect(failure).toBeInstanceOf(PolicyValidationError);
    const expected = new Validator();
    retentionRule(expected, { days: 40 });
    expect((failure as PolicyValidationError).issues.map(formatIssue)).toEqual(expected.issues.map(formatIssue));
  });

  test('an output in range resolves to the plain value', async () => {
    expect(await valueOf(validateWhenKnown({ days: pulumi.output(14) }, retentionRule))).toEqual({ days: 14 });
  });

  test('a value unknown during a preview is not checked by the preview', async () => {
    const unknown = pulumi.output(pulumi.unknown) as pulumi.Output<number>;
    let checks = 0;
    const checked = validateWhenKnown({ days: unknown }, (validator, value) => {
      checks += 1;
      retentionRule(validator, value);
    });
    expect(checks).toBe(1);
    expect(await (checked as any).isKnown).toBe(false);
  });
});

describe('a plan checking again what was not known', () => {
  const validation = { ...PULUMI_VALIDATION_OPTIONS, construct: 'orders' };

  test('planScheduledPgDump checks an output once it resolves, with the message a known value gets at once', async () => {
    let later: pulumi.Output<unknown> | undefined;
    const capture = {
      ...validation, whenKnown: (value: unknown, recheck: (known: unknown) => void) => { later = recheckWhenKnown(value, recheck); },
    };
    planScheduledPgDump({ postgresMajorVersion: 16, metricNamespace: pulumi.output('AWS/Backups') as unknown as string }, { validation: capture });
    expect(later).toBeDefined();
    const failure = await failureOf(later!);
    expect(failure).toBeInstanceOf(PolicyValidationError);
    expect(() => planScheduledPgDump({ postgresMajorVersion: 16, metricNamespace: 'AWS/Backups' }, { validation })).toThrow(failure.message);
    expect(failure.message).toContain('orders: metricNamespace is "AWS/Backups"; allowed: a CloudWatch namespace');
  });

  test('nothing is checked again when every value is known', () => {
    expect(recheckWhenKnown({ days: 14 }, () => { throw new Error('checked again'); })).toBeUndefined();
  });
});

