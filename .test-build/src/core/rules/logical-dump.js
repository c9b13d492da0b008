"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkLogicalDump = checkLogicalDump;
const defaults_1 = require("../defaults");
const schedule_1 = require("../schedule");
const bounds_1 = require("./bounds");
const dump_compression_1 = require("./dump-compression");
/** Checks logical dumps: every value, `jobs` against `format`, and `schemaOnly` against `dataOnly`. */
function checkLogicalDump(validator, dump) {
    if (dump === undefined || validator.isUnresolved(dump))
        return;
    const path = 'logicalDump';
    (0, schedule_1.checkSchedule)(validator, `${path}.schedule`, dump.schedule);
    const formatValid = validator.oneOf(`${path}.format`, dump.format, ['custom', 'directory']);
    (0, dump_compression_1.checkDumpCompression)(validator, `${path}.compression`, dump.compression);
    const jobsValid = validator.integer(`${path}.jobs`, dump.jobs, 1, 64);
    validator.nonEmptyStrings(`${path}.tables`, dump.tables);
    validator.nonEmptyStrings(`${path}.excludeTables`, dump.excludeTables);
    validator.nonEmptyStrings(`${path}.schemas`, dump.schemas);
    validator.nonEmptyStrings(`${path}.excludeSchemas`, dump.excludeSchemas);
    (0, bounds_1.checkIntegerAtLeast)(validator, `${path}.retentionDays`, dump.retentionDays, 1, 'days');
    validator.number(`${path}.lockWaitTimeoutSeconds`, dump.lockWaitTimeoutSeconds, 0.001, 86_400, 'seconds');
    validator.oneOf(`${path}.rowCounts`, dump.rowCounts, ['exact', 'estimate', 'off']);
    const resolved = (0, defaults_1.resolveLogicalDump)(dump);
    if (formatValid && jobsValid && resolved.jobs > 1 && resolved.format !== 'directory') {
        validator.report({ path: `${path}.jobs`, value: resolved.jobs, allowed: `1 when format is "${resolved.format}"`, reason: 'pg_dump -j needs format "directory"' }, [dump.jobs, dump.format]);
    }
    if (resolved.schemaOnly === true && resolved.dataOnly === true) {
        validator.report({ path: `${path}.dataOnly`, value: true, allowed: 'false when schemaOnly is true', reason: 'pg_dump -s and -a exclude each other' }, [dump.schemaOnly, dump.dataOnly]);
    }
}
