import { BackupPolicy, DatabasePlatform } from '../policy';
import { Validator } from '../validation';
import { maxBackupRetentionDays } from './backup-plan';

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const AZURE_REGION = /^[a-z][a-z0-9]*$/;
const AWS_ACCOUNT = /^\d{12}$/;
const AZURE_SUBSCRIPTION = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks `sourceRegion` and every copy: a region copy needs a region other than the source region;
 * an account copy needs an account (a 12-digit AWS account id; an Azure subscription id on Azure; either
 * when self-hosted);
 * each copy is kept from a day to the longest the backup service keeps a recovery point.
 */
export function checkCopies(validator: Validator, policy: BackupPolicy, platform: DatabasePlatform): void {
  const region = regionRule(platform);
  const account = accountRule(platform);
  validator.matches('sourceRegion', policy.sourceRegion, region.pattern, region.allowed);
  if (policy.copies === undefined || validator.isUnresolved(policy.copies)) return;
  policy.copies.forEach((copy, index) => {
    const path = `copies[${index}]`;
    if (validator.isUnresolved(copy)) return;
    validator.oneOf(`${path}.destination`, copy.destination, ['region', 'account']);
    if (copy.destination === 'region' && copy.region === undefined) {
      validator.report({ path: `${path}.region`, value: undefined, allowed: `${region.allowed} (a region copy needs one)` });
    }
    const regionValid = validator.matches(`${path}.region`, copy.region, region.pattern, region.allowed);
    if (copy.destination === 'region' && regionValid && copy.region !== undefined && copy.region === policy.sourceRegion) {
      validator.report(
        { path: `${path}.region`, value: copy.region, allowed: `a region other than the source region "${policy.sourceRegion}"` },
        [copy.region, policy.sourceRegion],
      );
    }
    if (copy.destination === 'account' && copy.account === undefined) {
      validator.report({ path: `${path}.account`, value: undefined, allowed: `${account.allowed} (an account copy needs one)` });
    }
    validator.matches(`${path}.account`, copy.account, account.pattern, account.allowed);
    validator.integer(`${path}.retentionDays`, copy.retentionDays, 1, maxBackupRetentionDays(platform), 'days');
  });
}

function regionRule(platform: DatabasePlatform): { pattern: RegExp; allowed: string } {
  switch (platform) {
    case 'aws':
      return { pattern: AWS_REGION, allowed: 'an AWS region such as "eu-west-1"' };
    case 'azure':
      return { pattern: AZURE_REGION, allowed: 'an Azure region such as "westeurope"' };
    default:
      return { pattern: new RegExp(`${AWS_REGION.source}|${AZURE_REGION.source}`), allowed: 'an AWS region such as "eu-west-1" or an Azure region such as "westeurope"' };
  }
}

function accountRule(platform: DatabasePlatform): { pattern: RegExp; allowed: string } {
  switch (platform) {
    case 'aws':
      return { pattern: AWS_ACCOUNT, allowed: 'a 12-digit AWS account id' };
    case 'azure':
      return { pattern: AZURE_SUBSCRIPTION, allowed: 'an Azure subscription id (a GUID)' };
    default:
      return { pattern: new RegExp(`${AWS_ACCOUNT.source}|${AZURE_SUBSCRIPTION.source}`, 'i'), allowed: 'a 12-digit AWS account id or an Azure subscription id (a GUID)' };
  }
}
