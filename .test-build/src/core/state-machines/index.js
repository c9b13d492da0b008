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
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.DrillStateName = exports.RestoreDrillMetric = exports.DrillPlaceholder = void 0;
__exportStar(require("./asl"), exports);
__exportStar(require("./definition-substitutions"), exports);
__exportStar(require("./drill-iam-actions"), exports);
var restore_drill_options_1 = require("./restore-drill-options");
Object.defineProperty(exports, "DrillPlaceholder", { enumerable: true, get: function () { return restore_drill_options_1.DrillPlaceholder; } });
Object.defineProperty(exports, "RestoreDrillMetric", { enumerable: true, get: function () { return restore_drill_options_1.RestoreDrillMetric; } });
var drill_states_1 = require("./drill-states");
Object.defineProperty(exports, "DrillStateName", { enumerable: true, get: function () { return drill_states_1.DrillStateName; } });
__exportStar(require("./dump-restore-drill"), exports);
__exportStar(require("./pitr-restore-drill"), exports);
__exportStar(require("./snapshot-restore-drill"), exports);
__exportStar(require("./fleet-dump-restore-drill"), exports);
