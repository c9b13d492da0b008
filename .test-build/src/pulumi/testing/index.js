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
exports.MOCK_AZURE_SUBSCRIPTION_ID = exports.MOCK_AWS_REGION = exports.MOCK_AWS_ACCOUNT = void 0;
/**
 * Pulumi mocks for unit tests of programs that use the components of `/pulumi/aws` and `/pulumi/azure`:
 * `setBackupMocks()` before the program is loaded, then assert on the resources it registered.
 *
 * @packageDocumentation
 */
__exportStar(require("./backup-mocks"), exports);
var mock_aws_resources_1 = require("./mock-aws-resources");
Object.defineProperty(exports, "MOCK_AWS_ACCOUNT", { enumerable: true, get: function () { return mock_aws_resources_1.MOCK_AWS_ACCOUNT; } });
Object.defineProperty(exports, "MOCK_AWS_REGION", { enumerable: true, get: function () { return mock_aws_resources_1.MOCK_AWS_REGION; } });
var mock_azure_resources_1 = require("./mock-azure-resources");
Object.defineProperty(exports, "MOCK_AZURE_SUBSCRIPTION_ID", { enumerable: true, get: function () { return mock_azure_resources_1.MOCK_AZURE_SUBSCRIPTION_ID; } });
