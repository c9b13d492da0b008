"use strict";
/**
 * The subset of the Amazon States Language (https://states-language.net/spec.html) the restore drills are built
 * from. Core builds definitions as plain objects of these types; the front ends receive them as JSON text.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.AslResource = void 0;
exports.intrinsicStringLiteral = intrinsicStringLiteral;
exports.intrinsicFormatTemplate = intrinsicFormatTemplate;
/** The `.sync`, request-response and SDK integrations the drills call. */
exports.AslResource = {
    /** ECS RunTask, waiting for the task to stop. */
    ECS_RUN_TASK_SYNC: 'arn:aws:states:::ecs:runTask.sync',
    /** SNS Publish. */
    SNS_PUBLISH: 'arn:aws:states:::sns:publish',
    /** An AWS SDK call, e.g. `awsSdk('rds', 'describeDBInstances')`. */
    awsSdk: (service, action) => `arn:aws:states:::aws-sdk:${service}:${action}`,
};
/**
 * Quotes a string as a literal argument of an intrinsic function (`States.Format('…')`), escaping the characters
 * the intrinsic grammar reserves. Placeholders (`${Name}`) are left as they are: they are replaced before the
 * definition reaches Step Functions, and their values may not contain reserved characters.
 */
function intrinsicStringLiteral(text) {
    const escaped = text
        .split(/(\$\{[A-Za-z][A-Za-z0-9]*\})/)
        .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\'{}]/g, (c) => `\\${c}`)))
        .join('');
    return `'${escaped}'`;
}
/**
 * Quotes the template of `States.Format` as an intrinsic literal: `{}` stays the argument marker, quotes and
 * backslashes are escaped.
 */
function intrinsicFormatTemplate(template) {
    return `'${template.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
