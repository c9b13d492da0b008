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
exports.checkAlertDestination = checkAlertDestination;
exports.resolveActionGroup = resolveActionGroup;
const monitor = __importStar(require("@pulumi/azure-native/monitor"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Checks the e-mail addresses of an {@link BackupAlertDestination}. */
function checkAlertDestination(validator, destination) {
    (destination.alertEmails ?? []).forEach((email, index) => {
        validator.matches(`alertEmails[${index}]`, email, EMAIL, 'an e-mail address such as dba@example.com');
    });
}
/**
 * The given action group, or a new one (`location: global`, e-mail receivers with the common alert schema)
 * created as a child of `parent`.
 */
function resolveActionGroup(parent, name, resourceGroupName, destination, tags) {
    if (destination.actionGroupId !== undefined)
        return { id: pulumi.output(destination.actionGroupId) };
    const created = new monitor.ActionGroup(`${name}-alerts`, {
        resourceGroupName,
        location: 'global',
        enabled: true,
        // At most 12 characters, shown as the sender of SMS and e-mail.
        groupShortName: 'pg-backup',
        emailReceivers: (destination.alertEmails ?? []).map((emailAddress, index) => ({
            name: `email-${index}`,
            emailAddress,
            useCommonAlertSchema: true,
        })),
        tags,
    }, { parent });
    return { id: created.id, created };
}
