import { PostgresSetting } from './postgres-settings';
import { Validator } from '../policy/validation';

/** Recover up to a moment: `recovery_target_time`. */
export interface RecoveryTargetTime {
  /** Discriminant. */
  readonly kind: 'time';
  /** ISO-8601 timestamp with seconds and a time zone, e.g. `2026-11-24T10:15:00Z` or `2026-11-24 11:15:00+01:00`. */
  readonly time: string;
}

/** Recover up to a transaction: `recovery_target_xid`. */
export interface RecoveryTargetXid {
  /** Discriminant. */
  readonly kind: 'xid';
  /** Transaction id (3 or more; epoch-extended 64-bit ids are accepted). */
  readonly xid: string | number;
}

/** Recover up to a WAL location: `recovery_target_lsn`. */
export interface RecoveryTargetLsn {
  /** Discriminant. */
  readonly kind: 'lsn';
  /** Log sequence number, e.g. `0/3000028`. */
  readonly lsn: string;
}

/** Recover up to a restore point made with `pg_create_restore_point()`: `recovery_target_name`. */
export interface RecoveryTargetName {
  /** Discriminant. */
  readonly kind: 'name';
  /** The restore point's name (1–63 bytes). */
  readonly name: string;
}

/** Recover only until the backup is consistent: `recovery_target = 'immediate'`. */
export interface RecoveryTargetImmediate {
  /** Discriminant. */
  readonly kind: 'immediate';
}

/** Where recovery stops: exactly one of a time, a transaction, a WAL location, a restore point, or consistency. */
export type RecoveryTarget = RecoveryTargetTime | RecoveryTargetXid | RecoveryTargetLsn | RecoveryTargetName | RecoveryTargetImmediate;

/** What the server does when it reaches the target: `recovery_target_action`. */
export type RecoveryTargetAction = 'pause' | 'promote' | 'shutdown';

/** Every kind of {@link RecoveryTarget}. */
export const RECOVERY_TARGET_KINDS: readonly RecoveryTarget['kind'][] = ['time', 'xid', 'lsn', 'name', 'immediate'];

/** A recovery target and what happens around it. */
export interface RecoveryTargetOptions {
  /** Where recovery stops. */
  readonly target: RecoveryTarget;
  /**
   * `recovery_target_inclusive`: stop just after the target (true) or just before it (false). Applies
   * to time, xid and lsn targets only.
   * @default true
   */
  readonly inclusive?: boolean;
  /**
   * `recovery_target_action`.
   * @default 'promote'
   */
  readonly action?: RecoveryTargetAction;
  /**
   * `recovery_target_timeline`: `latest`, `current`, or a timeline id.
   * @default 'latest'
   */
  readonly timeline?: 'latest' | 'current' | number;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(?::?(\d{2}))?)$/;
const TIME_ALLOWED = 'an ISO-8601 timestamp with seconds and a time zone, e.g. 2026-11-24T10:15:00Z or 2026-11-24 11:15:00+01:00';
const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
const MAX_XID = 2n ** 64n - 1n;

function isValidTime(value: string): boolean {
  const m = TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const sameDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const zoneOk = m[8] === 'Z' || (Number(m[9]) <= 14 && Number(m[10] ?? 0) < 60);
  return sameDate && hour < 24 && minute < 60 && second < 60 && zoneOk;
}

function isValidXid(value: string | number): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  const text = String(value);
  if (!/^\d{1,20}$/.test(text)) return false;
  const xid = BigInt(text);
  return xid >= 3n && xid <= MAX_XID;
}

function isValidRestorePointName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && new TextEncoder().encode(name).length <= 63 && !/[\0\n\r]/.test(name);
}

/** True for the targets `recovery_target_inclusive` applies to (time, xid and lsn). */
export function recoveryTargetAcceptsInclusive(target: RecoveryTarget): boolean {
  return target.kind === 'time' || target.kind === 'xid' || target.kind === 'lsn';
}

/** Checks a target, its action and timeline, reporting under `path`. */
export function validateRecoveryTargetOptions(options: RecoveryTargetOptions, validator: Validator, path = ''): void {
  const at = path ? `${path}.` : '';
  const target = options.target;
  if (target === undefined || target === null || typeof target !== 'object') {
    validator.report({ path: `${at}target`, value: target, allowed: `an object whose kind is one of: ${RECOVERY_TARGET_KINDS.join(', ')}` });
  } else if (validator.oneOf(`${at}target.kind`, target.kind, RECOVERY_TARGET_KINDS)) {
    const check = (field: string, value: unknown, ok: boolean, allowed: string) => {
      if (!ok && !validator.isUnresolved(value)) validator.report({ path: `${at}target.${field}`, value, allowed });
    };
    switch (target.kind) {
      case 'time':
        check('time', target.time, typeof target.time === 'string' && isValidTime(target.time), TIME_ALLOWED);
        break;
      case 'xid':
        check('xid', target.xid, isValidXid(target.xid), 'a transaction id from 3 to 18446744073709551615');
        break;
      case 'lsn':
        check('lsn', target.lsn, typeof target.lsn === 'string' && LSN.test(target.lsn), 'a log sequence number such as 0/3000028 (hex/hex)');
        break;
      case 'name':
        check('name', target.name, isValidRestorePointName(target.name), 'a restore point name of 1 to 63 bytes on one line');
        break;
      case 'immediate':
        break;
    }
  }
  validator.oneOf(`${at}inclusive`, options.inclusive, [true, false]);
  validator.oneOf(`${at}action`, options.action, ['pause', 'promote', 'shutdown'] as const);
  const timeline = options.timeline;
  if (typeof timeline === 'number') {
    validator.integer(`${at}timeline`, timeline, 1, 4294967295);
  } else {
    validator.oneOf(`${at}timeline`, timeline, ['latest', 'current'] as const);
  }
}

/**
 * A validated time target as both PostgreSQL and pgBackRest read it: `2026-11-24 10:15:00+00`
 * (pgBackRest picks the backup set from the time and refuses the `T` and `Z` forms, or older versions
 * silently fall back to the latest backup set).
 */
export function normalizeRecoveryTime(time: string): string {
  return time.replace('T', ' ').replace(/Z$/, '+00');
}

/** The `recovery_target_*` settings of a target, in the order PostgreSQL documents them. */
export function recoveryTargetSettings(options: RecoveryTargetOptions): PostgresSetting[] {
  const target = options.target;
  const settings: PostgresSetting[] = [];
  switch (target.kind) {
    case 'time': settings.push({ name: 'recovery_target_time', value: normalizeRecoveryTime(target.time) }); break;
    case 'xid': settings.push({ name: 'recovery_target_xid', value: String(target.xid) }); break;
    case 'lsn': settings.push({ name: 'recovery_target_lsn', value: target.lsn }); break;
    case 'name': settings.push({ name: 'recovery_target_name', value: target.name }); break;
    case 'immediate': settings.push({ name: 'recovery_target', value: 'immediate' }); break;
  }
  if (recoveryTargetAcceptsInclusive(target)) settings.push({ name: 'recovery_target_inclusive', value: options.inclusive ?? true });
  settings.push({ name: 'recovery_target_action', value: options.action ?? 'promote' });
  settings.push({ name: 'recovery_target_timeline', value: options.timeline ?? 'latest' });
  return settings;
}

/** A target in words, for headers and messages. */
export function describeRecoveryTarget(target: RecoveryTarget): string {
  switch (target.kind) {
    case 'time': return `time ${target.time}`;
    case 'xid': return `transaction ${target.xid}`;
    case 'lsn': return `WAL location ${target.lsn}`;
    case 'name': return `restore point ${JSON.stringify(target.name)}`;
    case 'immediate': return 'the end of the base backup (consistency)';
  }
}
