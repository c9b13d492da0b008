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
exports.parseToolMajorVersion = parseToolMajorVersion;
exports.findPostgresTool = findPostgresTool;
const node_child_process_1 = require("node:child_process");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const node_util_1 = require("node:util");
const runner_error_1 = require("./runner-error");
const run = (0, node_util_1.promisify)(node_child_process_1.execFile);
/** Reads the major version out of a `--version` line (`pg_dump (PostgreSQL) 15.14 (Debian …)`, `… 9.6.24`). */
function parseToolMajorVersion(versionLine) {
    const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionLine);
    if (!match)
        return undefined;
    const major = Number(match[1]);
    // Before 10 the major version had two parts (9.6); those clients are far too old for any supported server anyway.
    return major;
}
/**
 * Finds a client program: in `PG_BIN_DIR` when set, else on `PATH`, and reads its version.
 * @throws RunnerError naming where it looked when the program is missing.
 */
async function findPostgresTool(name, env = process.env) {
    const binDir = env.PG_BIN_DIR;
    const candidate = binDir ? path.join(binDir, name) : name;
    if (binDir && !fs.existsSync(candidate)) {
        throw new runner_error_1.RunnerError(`${name} is not in PG_BIN_DIR (${binDir}); install the PostgreSQL client or fix PG_BIN_DIR`);
    }
    let stdout;
    try {
        ({ stdout } = await run(candidate, ['--version'], { encoding: 'utf8', env }));
    }
    catch (error) {
        throw new runner_error_1.RunnerError(`cannot run ${candidate}: ${error.message}; install the PostgreSQL client or set PG_BIN_DIR`);
    }
    const version = stdout.trim();
    const majorVersion = parseToolMajorVersion(version);
    if (majorVersion === undefined)
        throw new runner_error_1.RunnerError(`cannot read a version from "${version}" (${candidate} --version)`);
    return { path: candidate, version, majorVersion };
}
