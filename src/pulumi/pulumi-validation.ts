import * as pulumi from '@pulumi/pulumi';
import { LiteralProps, ValidationOptions, Validator } from '../core/policy/validation';

/**
 * Tells whether a value is not known while the program runs: a `pulumi.Output` (another resource's
 * property, a secret, a stack reference) or a promise. Core skips such values, and every rule that
 * depends on one; {@link validateWhenKnown} checks them again once they resolve.
 */
export function isUnresolvedPulumiValue(value: unknown): boolean {
  if (pulumi.Output.isInstance(value)) return true;
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

const PLAIN_IN_PULUMI = 'the component types it as a plain value and writes it as text into names, ARNs, lifecycle filters, '
  + 'task sizes and commands when the program runs';

/**
 * Props the components type as plain values although a CDK app may give them as tokens (there they only flow into the
 * template): a Pulumi output given there (from JavaScript, or through `as any`) is refused with the range a literal must
 * be in, instead of becoming "Calling [toString] on an [Output<T>]" inside a resource.
 */
export const PULUMI_PLAIN_VALUE_PROPS: LiteralProps = {
  'prefix': PLAIN_IN_PULUMI,
  'bucketName': PLAIN_IN_PULUMI,
  'cpu': PLAIN_IN_PULUMI,
  'memoryLimitMiB': PLAIN_IN_PULUMI,
  'ephemeralStorageGiB': PLAIN_IN_PULUMI,
  'jobs': PLAIN_IN_PULUMI,
  'dump.jobs': PLAIN_IN_PULUMI,
  'dumpCpu': PLAIN_IN_PULUMI,
  'dumpMemoryLimitMiB': PLAIN_IN_PULUMI,
  'drillCpu': PLAIN_IN_PULUMI,
  'drillMemoryLimitMiB': PLAIN_IN_PULUMI,
  'drillEphemeralStorageGiB': PLAIN_IN_PULUMI,
};

/**
 * The validation options every component of this module passes to core: outputs and promises are unresolved, refused
 * where the prop is typed plain ({@link PULUMI_PLAIN_VALUE_PROPS}), and checked again once they resolve where a plan
 * asks (as {@link validateWhenKnown} does).
 */
export const PULUMI_VALIDATION_OPTIONS: ValidationOptions = {
  isUnresolved: isUnresolvedPulumiValue,
  literalProps: PULUMI_PLAIN_VALUE_PROPS,
  whenKnown: (value, recheck) => recheckWhenKnown(value, recheck),
};

/** True when `value` is, or holds anywhere inside it, an output or a promise. */
export function containsUnresolvedPulumiValue(value: unknown, seen: Set<unknown> = new Set()): boolean {
  if (isUnresolvedPulumiValue(value)) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value as Record<string, unknown>).some((child) => containsUnresolvedPulumiValue(child, seen));
}

/**
 * Runs `check` twice, so a rule is enforced whatever the inputs are made of:
 *
 * - now, on the values that are known, with outputs skipped; problems are thrown at once, as a
 *   `PolicyValidationError` listing every one, before any resource is registered;
 * - when `value` holds outputs, again once they resolve (during `pulumi preview` when the values are known
 *   then, else during `pulumi up`), on the plain values, with the same messages.
 *
 * Returns an output of `value` that fails with that error when the deferred check finds a problem. Feed it
 * to the resource the value configures, so the resource is never created with a value the check rejects.
 * An output that stays unknown through a preview is not checked by the preview (Pulumi runs no callback on
 * unknown values); the deployment checks it.
 *
 * `construct` is the name of the component whose props are checked: every line of the error starts with it.
 */
export function validateWhenKnown<T>(
  value: pulumi.Input<T>, check: (validator: Validator, value: T) => void, construct?: string,
): pulumi.Output<pulumi.Unwrap<T>> {
  const now = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct });
  check(now, value as T);
  now.throwIfInvalid();
  const later = recheckWhenKnown(value, (known) => {
    const validator = new Validator({ construct });
    check(validator, known as T);
    validator.throwIfInvalid();
  });
  return (later ?? pulumi.output(value)) as pulumi.Output<pulumi.Unwrap<T>>;
}

/**
 * `value` checked again by `recheck` once the outputs it holds resolve: an output of the plain value that fails with
 * the check's error; none when `value` holds no output (it was checked whole already).
 */
export function recheckWhenKnown(value: unknown, recheck: (known: unknown) => void): pulumi.Output<unknown> | undefined {
  if (!containsUnresolvedPulumiValue(value)) return undefined;
  return (pulumi.output(value) as pulumi.Output<unknown>).apply((known) => {
    recheck(known);
    return known;
  });
}

/**
 * Plans with core's `plan`, which checks what it is given, as {@link validateWhenKnown} checks: `now` from the facts
 * known now (outputs skipped, problems thrown at once, before any resource is registered), and `known` from `later`
 * once every output in it resolves (with the same messages), an output that fails with core's error when the check
 * does. Feed `known` to the resource the plan configures, so it is never created with facts the check rejects.
 */
export function planWhenKnown<F, P>(
  construct: string, now: F, later: pulumi.Input<F>, plan: (facts: F, validation: ValidationOptions) => P,
): { readonly now: P; readonly known: pulumi.Output<P> } {
  return {
    now: plan(now, { ...PULUMI_VALIDATION_OPTIONS, construct }),
    known: pulumi.output(later).apply((facts) => plan(facts as F, { construct })) as pulumi.Output<P>,
  };
}
