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
exports.BackupDashboard = void 0;
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const constructs_1 = require("constructs");
/**
 * A CloudWatch dashboard for a backup plan: per database the age of the last good dump, its size and duration,
 * failed runs; per drill the outcome and the measured restore time against the RTO.
 */
class BackupDashboard extends constructs_1.Construct {
    /** The dashboard. */
    dashboard;
    constructor(scope, id, props) {
        super(scope, id);
        this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
        const dump = props.dump;
        for (const database of dump.databaseNames) {
            this.dashboard.addWidgets(new cloudwatch.GraphWidget({
                title: `${database}: hours since the last good dump (RPO ${dump.rpoHours} h)`,
                left: [dump.metricBackupAge(database)],
                leftAnnotations: [{ value: dump.rpoHours, label: 'RPO', color: cloudwatch.Color.RED }],
                width: 8,
            }), new cloudwatch.GraphWidget({ title: `${database}: dump size`, left: [dump.metricBytes(database)], width: 8 }), new cloudwatch.GraphWidget({
                title: `${database}: dump duration and failures`,
                left: [dump.metricDuration(database)],
                right: [dump.metricFailures(database)],
                width: 8,
            }));
        }
        for (const drill of props.drills ?? []) {
            this.dashboard.addWidgets(new cloudwatch.GraphWidget({
                title: `${drill.databaseName}: restore drills`,
                left: [drill.metricDrillSucceeded(), drill.metricDrillFailed()],
                width: 12,
            }), new cloudwatch.GraphWidget({
                title: `${drill.databaseName}: restore duration (RTO ${drill.maxRestoreDurationMinutes} min)`,
                left: [drill.metricRestoreDuration()],
                leftAnnotations: [{ value: drill.maxRestoreDurationMinutes * 60, label: 'RTO', color: cloudwatch.Color.RED }],
                width: 12,
            }));
        }
    }
}
exports.BackupDashboard = BackupDashboard;
