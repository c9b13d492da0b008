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
exports.parseBackupLocation = parseBackupLocation;
exports.formatBackupLocation = formatBackupLocation;
const path = __importStar(require("node:path"));
const runner_error_1 = require("./runner-error");
const ALLOWED = 's3://bucket/prefix, azblob://account/container/prefix or file:///absolute/path';
function trimSlashes(value) {
    return value.replace(/^\/+|\/+$/g, '');
}
/**
 * The directory of a `file://` URI (`rest` is what follows `file://`): `file:///absolute/path` or
 * `file://localhost/absolute/path`. A host part (`file://backups/nightly`, `file://relative`) is refused rather than
 * dropped, and so are `.`/`..` segments (raw or percent-encoded) and encoded slashes, so the directory written to is
 * exactly the one the URI names.
 */
function fileDirectory(rest, fail) {
    const slash = rest.indexOf('/');
    const host = slash < 0 ? rest : rest.slice(0, slash);
    if (host !== '' && host.toLowerCase() !== 'localhost') {
        fail(`"${host}" is read as a host name, not a directory: use file:///absolute/path (three slashes) or file://localhost/absolute/path`);
    }
    if (slash < 0)
        fail('a file URI needs an absolute path: file:///absolute/path');
    const rawSegments = rest.slice(slash + 1).split(/[?#]/)[0].split('/');
    let segments = [];
    try {
        segments = rawSegments.map((segment) => decodeURIComponent(segment));
    }
    catch {
        fail('a "%" in the path does not start a percent-encoded character (write % as %25)');
    }
    if (segments.some((segment) => segment === '.' || segment === '..'))
        fail('the path must not contain "." or ".." segments');
    if (segments.some((segment) => segment.includes('/') || segment.includes('\0')))
        fail('the path must not contain encoded slashes or NUL characters');
    if (/[?#]/.test(rest))
        fail('a file URI takes no query or fragment');
    return path.resolve('/', ...segments);
}
/** Parses a backup URI; `flag` names the option in the error message. */
function parseBackupLocation(uri, flag = '--to') {
    const fail = (why) => {
        throw new runner_error_1.UsageError(`${flag} is ${JSON.stringify(uri)}; allowed: ${ALLOWED} (${why})`);
    };
    const scheme = /^([a-z0-9]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
    const rest = uri.slice((scheme?.length ?? 0) + 3);
    switch (scheme) {
        case 's3': {
            const [bucket, ...prefix] = rest.split('/');
            if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
                fail('the bucket name is not a valid S3 bucket name');
            return { kind: 's3', bucket, prefix: trimSlashes(prefix.join('/')) };
        }
        case 'azblob': {
            const [account, container, ...prefix] = rest.split('/');
            if (!account || !/^[a-z0-9]{3,24}$/.test(account))
                fail('the storage account name must be 3-24 lowercase letters and digits');
            if (!container || !/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container))
                fail('the container name is not a valid Azure container name');
            return { kind: 'azblob', account, container, prefix: trimSlashes(prefix.join('/')) };
        }
        case 'file':
            return { kind: 'file', directory: fileDirectory(rest, fail) };
        default:
            return fail('unknown scheme');
    }
}
/** The URI of a location, as it is shown in logs and results. */
function formatBackupLocation(location) {
    switch (location.kind) {
        case 's3':
            return `s3://${location.bucket}/${location.prefix}`;
        case 'azblob':
            return `azblob://${location.account}/${location.container}/${location.prefix}`;
        case 'file':
            return `file://${location.directory}`;
    }
}
