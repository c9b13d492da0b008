"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.renderS3LifecycleConfiguration = renderS3LifecycleConfiguration;
const storage_class_1 = require("./storage-class");
const validation_1 = require("./validation");
/**
 * Renders lifecycle rules as an S3 `LifecycleConfiguration`. Rejects (through the validator) any Azure
 * access tier. The rules' own consistency is checked by `validateLifecycleRules`, which callers run first.
 */
function renderS3LifecycleConfiguration(rules, options = {}) {
    const validator = options.validator ?? new validation_1.Validator();
    const path = options.path ?? 'lifecycleRules';
    const rendered = rules.map((rule, index) => {
        const transitions = (rule.transitions ?? []).flatMap((transition, transitionIndex) => {
            const facts = (0, storage_class_1.storageClassFacts)(transition.storageClass);
            if (facts === undefined || facts.cloud !== 'aws' || !facts.transitionTarget) {
                validator.report({
                    path: `${path}[${index}].transitions[${transitionIndex}].storageClass`,
                    value: transition.storageClass,
                    allowed: `an S3 storage class: one of ${(0, storage_class_1.transitionTargets)('aws').join(', ')}`,
                    reason: facts?.cloud === 'azure' ? 'this is an Azure access tier, which S3 does not have' : undefined,
                });
                return [];
            }
            return [{ StorageClass: storage_class_1.STORAGE_CLASS_FACTS[transition.storageClass].nativeName, TransitionInDays: transition.days }];
        });
        return {
            Id: rule.id,
            Status: rule.enabled === false ? 'Disabled' : 'Enabled',
            ...(rule.prefix ? { Prefix: rule.prefix } : {}),
            ...(transitions.length > 0 ? { Transitions: transitions } : {}),
            ...(rule.expirationDays !== undefined ? { ExpirationInDays: rule.expirationDays } : {}),
            ...(rule.noncurrentVersionExpirationDays !== undefined
                ? { NoncurrentVersionExpiration: { NoncurrentDays: rule.noncurrentVersionExpirationDays } } : {}),
            ...(rule.abortIncompleteMultipartUploadDays !== undefined
                ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: rule.abortIncompleteMultipartUploadDays } } : {}),
        };
    });
    if (!options.validator)
        validator.throwIfInvalid();
    return { Rules: rendered };
}
