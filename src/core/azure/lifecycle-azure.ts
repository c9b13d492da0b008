/**
 * Lifecycle rules rendered as Azure Storage sees them: the `policy.rules` of a
 * `Microsoft.Storage/storageAccounts/managementPolicies` resource (ARM, Bicep, Pulumi azure-native).
 */
import { BLOB_CONTAINER_NAME_ALLOWED, BLOB_CONTAINER_NAME_PATTERN } from './backup-storage-options';
import { LifecycleRenderOptions, LifecycleRule } from '../policy/lifecycle-rules';
import { StorageClass, storageClassFacts, transitionTargets } from '../policy/storage-class';
import { Validator } from '../policy/validation';

/** An age condition on the current version of a blob. */
export interface AzureDaysAfterModification {
  /** The action runs once the blob has not been modified for more than this many days. */
  readonly daysAfterModificationGreaterThan: number;
}

/** `actions.baseBlob`: what happens to the current version of a blob. */
export interface AzureBaseBlobActions {
  /**
   * Move to the cool tier.
   * @default - absent
   */
  readonly tierToCool?: AzureDaysAfterModification;
  /**
   * Move to the cold tier.
   * @default - absent
   */
  readonly tierToCold?: AzureDaysAfterModification;
  /**
   * Move to the archive tier.
   * @default - absent
   */
  readonly tierToArchive?: AzureDaysAfterModification;
  /**
   * Delete.
   * @default - absent
   */
  readonly delete?: AzureDaysAfterModification;
}

/** `actions.version`: what happens to previous versions (needs blob versioning on the account). */
export interface AzureVersionActions {
  /** Delete previous versions this many days after they were created (became previous). */
  readonly delete: { readonly daysAfterCreationGreaterThan: number };
}

/** One rule of `Microsoft.Storage/storageAccounts/managementPolicies` `policy.rules`. */
export interface AzureManagementPolicyRule {
  /** Rule name. */
  readonly name: string;
  /** Whether the rule runs. */
  readonly enabled: boolean;
  /** Always `Lifecycle`. */
  readonly type: 'Lifecycle';
  /** Filters and actions. */
  readonly definition: {
    /** Which blobs: block blobs whose name starts with `<container>/<prefix>`. */
    readonly filters: { readonly blobTypes: string[]; readonly prefixMatch: string[] };
    /** What happens to them. */
    readonly actions: { readonly baseBlob?: AzureBaseBlobActions; readonly version?: AzureVersionActions };
  };
}

/** Options of {@link renderAzureManagementPolicyRules}. */
export interface AzureLifecycleRenderOptions extends LifecycleRenderOptions {
  /** The container the rules apply to; Azure's `prefixMatch` starts with it. */
  readonly containerName: string;
}

const TIER_ACTIONS: Partial<Record<StorageClass, keyof AzureBaseBlobActions>> = {
  [StorageClass.COOL]: 'tierToCool',
  [StorageClass.COLD]: 'tierToCold',
  [StorageClass.ARCHIVE]: 'tierToArchive',
};

/**
 * Renders lifecycle rules as Azure management-policy rules for one container. Rejects (through the
 * validator) any S3 storage class and an invalid container name. Azure has no multipart-abort action (it
 * discards uncommitted blocks after seven days on its own), so that setting is dropped, and a rule left
 * with no action at all is left out. The rules' own consistency is checked by `validateLifecycleRules`,
 * which callers run first.
 */
export function renderAzureManagementPolicyRules(
  rules: readonly LifecycleRule[],
  options: AzureLifecycleRenderOptions,
): AzureManagementPolicyRule[] {
  const validator = options.validator ?? new Validator();
  const path = options.path ?? 'lifecycleRules';
  // The same check and words as the storage options', so a bad name is reported once.
  validator.matches('containerName', options.containerName, BLOB_CONTAINER_NAME_PATTERN, BLOB_CONTAINER_NAME_ALLOWED);
  const rendered = rules.flatMap((rule, index): AzureManagementPolicyRule[] => {
    const baseBlob: { -readonly [K in keyof AzureBaseBlobActions]: AzureBaseBlobActions[K] } = {};
    (rule.transitions ?? []).forEach((transition, transitionIndex) => {
      const action = TIER_ACTIONS[transition.storageClass];
      if (action === undefined) {
        const facts = storageClassFacts(transition.storageClass);
        validator.report({
          path: `${path}[${index}].transitions[${transitionIndex}].storageClass`,
          value: transition.storageClass,
          allowed: `an Azure access tier: one of ${transitionTargets('azure').join(', ')}`,
          reason: facts?.cloud === 'aws' ? 'this is an S3 storage class, which Azure does not have' : undefined,
        });
        return;
      }
      baseBlob[action] = { daysAfterModificationGreaterThan: transition.days };
    });
    if (rule.expirationDays !== undefined) baseBlob.delete = { daysAfterModificationGreaterThan: rule.expirationDays };
    const actions = {
      ...(Object.keys(baseBlob).length > 0 ? { baseBlob } : {}),
      ...(rule.noncurrentVersionExpirationDays !== undefined
        ? { version: { delete: { daysAfterCreationGreaterThan: rule.noncurrentVersionExpirationDays } } } : {}),
    };
    if (Object.keys(actions).length === 0) return [];
    return [{
      name: rule.id,
      enabled: rule.enabled !== false,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: [`${options.containerName}/${rule.prefix}`] },
        actions,
      },
    }];
  });
  if (!options.validator) validator.throwIfInvalid();
  return rendered;
}
