"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RestorableTimeCheckStateName = exports.RESTORABLE_TIME_LAG_METRIC = void 0;
exports.restorableTimeCheck = restorableTimeCheck;
const asl_1 = require("./state-machines/asl");
const definition_substitutions_1 = require("./state-machines/definition-substitutions");
const restore_drill_options_1 = require("./state-machines/restore-drill-options");
const validation_1 = require("./validation");
/** The metric the restorable-time check publishes: seconds between now and the database's `LatestRestorableTime`. */
exports.RESTORABLE_TIME_LAG_METRIC = 'RestorableTimeLagSeconds';
/** Names of the check's states. */
exports.RestorableTimeCheckStateName = {
    DESCRIBE: 'Describe database',
    PUBLISH: 'Publish restorable time lag',
    FAILED: 'Check failed',
};
/**
 * A short state machine, run on a schedule, that measures how far point-in-time recovery lags: it reads the
 * database's `LatestRestorableTime` (RDS publishes no metric for it) and publishes `now - LatestRestorableTime` in
 * seconds. When the database has no restorable time (backups off) or cannot be described, nothing is published
 * and the execution fails, so an alarm that treats missing data as breaching pages either way.
 */
function restorableTimeCheck(options = {}) {
    const validator = new validation_1.Validator();
    validator.oneOf('source', options.source, ['instance', 'aurora-cluster']);
    validator.matches('metricNamespace', options.metricNamespace, /^(?!AWS\/)[A-Za-z0-9._\-/#:]{1,255}$/, 'a CloudWatch namespace: 1-255 of letters, digits and . _ - / # :, not starting with AWS/');
    validator.integer('apiCallTimeoutSeconds', options.apiCallTimeoutSeconds, 5, 300, 'seconds');
    validator.throwIfInvalid();
    const cluster = options.source === 'aurora-cluster';
    const timeout = options.apiCallTimeoutSeconds ?? 30;
    const names = exports.RestorableTimeCheckStateName;
    const definition = {
        Comment: `Publish how many seconds the latest restorable time of the ${cluster ? 'Aurora cluster' : 'DB instance'} lags behind now`,
        StartAt: names.DESCRIBE,
        TimeoutSeconds: 3 * timeout + 60,
        States: {
            [names.DESCRIBE]: {
                Type: 'Task',
                Resource: asl_1.AslResource.awsSdk('rds', cluster ? 'describeDBClusters' : 'describeDBInstances'),
                Parameters: { [cluster ? 'DbClusterIdentifier' : 'DbInstanceIdentifier']: `\${${restore_drill_options_1.DrillPlaceholder.SOURCE_IDENTIFIER}}` },
                ResultSelector: { 'database.$': cluster ? '$.DbClusters[0]' : '$.DbInstances[0]' },
                ResultPath: '$.described',
                TimeoutSeconds: timeout,
                Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: names.FAILED }],
                Next: names.PUBLISH,
            },
            // JSONata: JSONPath has no date arithmetic. Without a LatestRestorableTime the value is absent and the call fails.
            [names.PUBLISH]: {
                Type: 'Task',
                QueryLanguage: 'JSONata',
                Resource: asl_1.AslResource.awsSdk('cloudwatch', 'putMetricData'),
                Arguments: {
                    Namespace: options.metricNamespace ?? 'PostgresBackup',
                    MetricData: [{
                            MetricName: exports.RESTORABLE_TIME_LAG_METRIC,
                            Dimensions: [{ Name: 'Database', Value: `\${${restore_drill_options_1.DrillPlaceholder.DATABASE_NAME}}` }],
                            Value: '{% $round(($millis() - $toMillis($states.input.described.database.LatestRestorableTime)) / 1000) %}',
                            Unit: 'Seconds',
                        }],
                },
                TimeoutSeconds: timeout,
                Catch: [{ ErrorEquals: ['States.ALL'], Next: names.FAILED }],
                End: true,
            },
            [names.FAILED]: {
                Type: 'Fail',
                Error: 'RestorableTimeCheck.Failed',
                Cause: 'The latest restorable time could not be read or published; the lag alarm treats the missing value as breaching',
            },
        },
    };
    return {
        definition,
        placeholders: (0, definition_substitutions_1.listPlaceholders)(definition),
        iamActions: [
            { resource: 'rds-source', actions: [cluster ? 'rds:DescribeDBClusters' : 'rds:DescribeDBInstances'], reason: 'read the latest restorable time' },
            { resource: 'cloudwatch-namespace-condition', actions: ['cloudwatch:PutMetricData'], reason: 'publish the restorable time lag' },
        ],
    };
}
