import { ImmutabilityPolicy } from './policy';
import { Validator } from './validation';

/** How strict each mode is: a privileged principal can lift `governance`, nobody can lift `compliance`. */
const MODE_STRICTNESS = { governance: 0, compliance: 1 } as const;

/**
 * Reports an offsite copy whose write-once protection is weaker than its source's: a less strict mode, or fewer days.
 * A copy that an attacker could delete sooner than the original would make the copy the weak link.
 *
 * @param path - where the copy's setting is given (`….mode` and `….days` are reported under it).
 * @param stated - what the source's setting is, as the message says it (e.g. "the dumps' immutability is compliance 30 days").
 * @param protection - how the message calls the protection: S3 replicas are `locked`, Azure replicas `immutable`.
 */
export function checkOffsiteAtLeastAsImmutable(
  validator: Validator, path: string, copy: ImmutabilityPolicy, source: ImmutabilityPolicy, stated: string, protection: 'locked' | 'immutable',
): void {
  const sourceMode = source.mode ?? 'governance';
  const mode = copy.mode ?? 'governance';
  if (mode in MODE_STRICTNESS && MODE_STRICTNESS[mode] < MODE_STRICTNESS[sourceMode]) {
    validator.report({ path: `${path}.mode`, value: mode, allowed: `${sourceMode} (${stated}; the offsite copy must be ${protection} at least as strictly)` });
  }
  if (typeof copy.days === 'number' && !validator.isUnresolved(copy.days) && copy.days < source.days) {
    validator.report({
      path: `${path}.days`,
      value: copy.days,
      allowed: `at least ${source.days} days (${stated}; the offsite copy must stay ${protection} at least as long)`,
    });
  }
}
