"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderAzureManagementPolicyRules = renderAzureManagementPolicyRules;
const storage_class_1 = require("./storage-class");
const validation_1 = require("./validation");
const TIER_ACTIONS = {
    [storage_class_1.StorageClass.COOL]: 'tierToCool',
    [storage_class_1.StorageClass.COLD]: 'tierToCold',
    [storage_class_1.StorageClass.ARCHIVE]: 'tierToArchive',
};
const CONTAINER_NAME_PATTERN = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/**
 * Renders lifecycle rules as Azure management-policy rules for one container. Rejects (through the
 * validator) any S3 storage class and an invalid container name. Azure has no multipart-abort action (it
 * discards uncommitted blocks after seven days on its own), so that setting is dropped, and a rule left
 * with no action at all is left out. The rules' own consistency is checked by `validateLifecycleRules`,
 * which callers run first.
 */
function renderAzureManagementPolicyRules(rules, options) {
    const validator = options.validator ?? new validation_1.Validator();
    const path = options.path ?? 'lifecycleRules';
    validator.matches('containerName', options.containerName, CONTAINER_NAME_PATTERN, '3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit');
    const rendered = rules.flatMap((rule, index) => {
        const baseBlob = {};
        (rule.transitions ?? []).forEach((transition, transitionIndex) => {
            const action = TIER_ACTIONS[transition.storageClass];
            if (action === undefined) {
                const facts = (0, storage_class_1.storageClassFacts)(transition.storageClass);
                validator.report({
                    path: `${path}[${index}].transitions[${transitionIndex}].storageClass`,
                    value: transition.storageClass,
                    allowed: `an Azure access tier: one of ${(0, storage_class_1.transitionTargets)('azure').join(', ')}`,
                    reason: facts?.cloud === 'aws' ? 'this is an S3 storage class, which Azure does not have' : undefined,
                });
                return;
            }
            baseBlob[action] = { daysAfterModificationGreaterThan: transition.days };
        });
        if (rule.expirationDays !== undefined)
            baseBlob.delete = { daysAfterModificationGreaterThan: rule.expirationDays };
        const actions = {
            ...(Object.keys(baseBlob).length > 0 ? { baseBlob } : {}),
            ...(rule.noncurrentVersionExpirationDays !== undefined
                ? { version: { delete: { daysAfterCreationGreaterThan: rule.noncurrentVersionExpirationDays } } } : {}),
        };
        if (Object.keys(actions).length === 0)
            return [];
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
    if (!options.validator)
        validator.throwIfInvalid();
    return rendered;
}
