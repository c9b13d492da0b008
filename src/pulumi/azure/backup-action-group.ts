import * as monitor from '@pulumi/azure-native/monitor';
import * as pulumi from '@pulumi/pulumi';
import { Validator } from '../../core/policy/validation';

/** Where a component's alerts go. */
export interface BackupAlertDestination {
  /**
   * Resource id of an existing action group to send alerts to.
   * @default - an action group is created, mailing `alertEmails`
   */
  readonly actionGroupId?: pulumi.Input<string>;
  /**
   * Addresses the created action group mails (ignored when `actionGroupId` is given).
   * @default - none: the created group has no receiver until one is added
   */
  readonly alertEmails?: string[];
}

/** The action group alerts go to, and the one created for them, if any. */
export interface ResolvedActionGroup {
  /** Resource id of the action group. */
  readonly id: pulumi.Output<string>;
  /** The action group created here, when none was given. */
  readonly created?: monitor.ActionGroup;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Checks the e-mail addresses of an {@link BackupAlertDestination}. */
export function checkAlertDestination(validator: Validator, destination: BackupAlertDestination): void {
  // A list given as an output is refused by the components' literal props; it has no entries to check.
  if (validator.isUnresolved(destination.alertEmails)) return;
  (destination.alertEmails ?? []).forEach((email, index) => {
    validator.matches(`alerts.alertEmails[${index}]`, email, EMAIL, 'an e-mail address such as dba@example.com');
  });
}

/**
 * The given action group, or a new one (`location: global`, e-mail receivers with the common alert schema)
 * created as a child of `parent`.
 */
export function resolveActionGroup(
  parent: pulumi.Resource,
  name: string,
  resourceGroupName: pulumi.Input<string>,
  destination: BackupAlertDestination,
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>,
): ResolvedActionGroup {
  if (destination.actionGroupId !== undefined) return { id: pulumi.output(destination.actionGroupId) };
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
