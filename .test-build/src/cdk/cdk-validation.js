"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CDK_VALIDATION_OPTIONS = void 0;
exports.isUnresolvedCdkValue = isUnresolvedCdkValue;
exports.cdkValidationOptions = cdkValidationOptions;
const aws_cdk_lib_1 = require("aws-cdk-lib");
/**
 * Tells whether a value is a CDK token (a reference to a deploy-time value): such values are skipped by every
 * policy check, because only CloudFormation knows them.
 */
function isUnresolvedCdkValue(value) {
    if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value))
        return aws_cdk_lib_1.Token.isUnresolved(value);
    return typeof value === 'object' && value !== null && aws_cdk_lib_1.Token.isUnresolved(value);
}
/** The validation options every construct of this module passes to core: tokens are unresolved values. */
exports.CDK_VALIDATION_OPTIONS = { isUnresolved: isUnresolvedCdkValue };
/**
 * The validation options of one construct: tokens are unresolved values, every message starts with the construct's
 * path, and the paths of core's policy read as the construct's props (`propPaths`).
 */
function cdkValidationOptions(scope, propPaths) {
    return { ...exports.CDK_VALIDATION_OPTIONS, construct: scope.node.path, propPaths };
}
