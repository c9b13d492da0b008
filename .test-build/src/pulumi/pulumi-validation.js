"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.PULUMI_VALIDATION_OPTIONS = void 0;
exports.isUnresolvedPulumiValue = isUnresolvedPulumiValue;
exports.containsUnresolvedPulumiValue = containsUnresolvedPulumiValue;
exports.validateWhenKnown = validateWhenKnown;
const pulumi = __importStar(require("@pulumi/pulumi"));
const validation_1 = require("../core/validation");
/**
 * Tells whether a value is not known while the program runs: a `pulumi.Output` (another resource's
 * property, a secret, a stack reference) or a promise. Core skips such values, and every rule that
 * depends on one; {@link validateWhenKnown} checks them again once they resolve.
 */
function isUnresolvedPulumiValue(value) {
    if (pulumi.Output.isInstance(value))
        return true;
    return typeof value === 'object' && value !== null && typeof value.then === 'function';
}
/** The validation options every component of this module passes to core: outputs and promises are unresolved. */
exports.PULUMI_VALIDATION_OPTIONS = { isUnresolved: isUnresolvedPulumiValue };
/** True when `value` is, or holds anywhere inside it, an output or a promise. */
function containsUnresolvedPulumiValue(value, seen = new Set()) {
    if (isUnresolvedPulumiValue(value))
        return true;
    if (typeof value !== 'object' || value === null || seen.has(value))
        return false;
    seen.add(value);
    return Object.values(value).some((child) => containsUnresolvedPulumiValue(child, seen));
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
function validateWhenKnown(value, check, construct) {
    const now = new validation_1.Validator({ ...exports.PULUMI_VALIDATION_OPTIONS, construct });
    check(now, value);
    now.throwIfInvalid();
    if (!containsUnresolvedPulumiValue(value))
        return pulumi.output(value);
    return pulumi.output(value).apply((known) => {
        const later = new validation_1.Validator({ construct });
        check(later, known);
        later.throwIfInvalid();
        return known;
    });
}
