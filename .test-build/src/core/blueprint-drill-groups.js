"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_DRILL_SCHEDULE_INPUT_CHARACTERS = void 0;
exports.blueprintDrillGroups = blueprintDrillGroups;
exports.chunkDrillDatabases = chunkDrillDatabases;
exports.drillGroupCheckFile = drillGroupCheckFile;
const defaults_1 = require("./defaults");
/** EventBridge Scheduler takes at most 8 KB of target input; a group's input is split below this. */
exports.MAX_DRILL_SCHEDULE_INPUT_CHARACTERS = 7000;
/** What the fixed fields of a drill input (bucket name, task definition ARN, …) take at most. */
const FIXED_INPUT_CHARACTERS = 400;
/**
 * The drill groups of a blueprint: servers whose drills share schedule, RTO, checks and PostgreSQL major are drilled
 * by one execution of the fleet drill, so a group costs one schedule however many databases it has. Servers without
 * a `verification` section are not drilled.
 */
function blueprintDrillGroups(servers) {
    const groups = new Map();
    for (const server of servers) {
        if (!server.policy.verification || !server.policy.logicalDump)
            continue;
        const verification = (0, defaults_1.resolveVerification)(server.policy.verification);
        const key = JSON.stringify([verification.schedule, verification.maxRestoreDurationMinutes, verification.checks, server.major]);
        const group = groups.get(key) ?? {
            schedule: verification.schedule,
            rtoSeconds: verification.maxRestoreDurationMinutes * 60,
            checks: [...verification.checks],
            major: server.major,
            databases: [],
        };
        group.databases.push(...server.databaseNames.map((name) => ({ id: server.id, name })));
        groups.set(key, group);
    }
    return [...groups.values()];
}
/** Splits a group's databases so that each schedule's input stays under EventBridge Scheduler's 8 KB. */
function chunkDrillDatabases(databases, maxCharacters = exports.MAX_DRILL_SCHEDULE_INPUT_CHARACTERS) {
    const chunks = [[]];
    let size = FIXED_INPUT_CHARACTERS;
    for (const database of databases) {
        const itemSize = JSON.stringify(database).length + 1;
        if (size + itemSize > maxCharacters && chunks[chunks.length - 1].length > 0) {
            chunks.push([]);
            size = FIXED_INPUT_CHARACTERS;
        }
        chunks[chunks.length - 1].push(database);
        size += itemSize;
    }
    return chunks;
}
/** The SQL file of a group's checks: each statement ended by one `;`, one a line (the runner runs a file of several). */
function drillGroupCheckFile(checks) {
    return checks.map((sql) => `${sql.trim().replace(/;+$/, '').trimEnd()};`).join('\n');
}
