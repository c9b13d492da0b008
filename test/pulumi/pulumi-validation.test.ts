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

const REPLICA_KEY = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('a plan checking again what was not known', () => {
  const validation = { ...PULUMI_VALIDATION_OPTIONS, construct: 'orders' };

  test('planScheduledPgDump checks an output once it resolves, with the message a known value gets at once', async () => {
    let later: pulumi.Output<unknown> | undefined;
    const capture = {
      ...validation, whenKnown: (value: unknown, recheck: (known: unknown) => void) => { later = recheckWhenKnown(value, recheck); },
    };
    // A replica's bucket ARN may come from another resource: it is checked once known.
    const replication = (destinationBucketArn: unknown) => ({ destinationBucketArn: destinationBucketArn as string, replicaKmsKeyArn: REPLICA_KEY });
    planScheduledPgDump({ postgresMajorVersion: 16, replication: replication(pulumi.output('orders-offsite')) }, { validation: capture });
    expect(later).toBeDefined();
    const failure = await failureOf(later!);
    expect(failure).toBeInstanceOf(PolicyValidationError);
    expect(() => planScheduledPgDump({ postgresMajorVersion: 16, replication: replication('orders-offsite') }, { validation })).toThrow(failure.message);
    expect(failure.message).toContain('orders: replication.destinationBucketArn is "orders-offsite"; allowed:');
  });

  test('nothing is checked again when every value is known', () => {
    expect(recheckWhenKnown({ days: 14 }, () => { throw new Error('checked again'); })).toBeUndefined();
  });
});

