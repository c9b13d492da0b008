import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { TEST_RUNNER_IMAGE, actionsOf, databaseStack, minimalDumpProps } from './stacks';
import { PROTECTION_METADATA_TYPE, ScheduledPgDump, VerifyRestore } from '../../src/cdk';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const SPARE = 'age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg';

/** Every IAM statement of the template that names the secret, with the roles its policy is attached to. */
function grantsOn(template: Template, secretLogicalId: string): Array<{ roles: string[]; actions: string[] }> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement
    .filter((statement: any) => JSON.stringify(statement.Resource ?? '').includes(secretLogicalId))
    .map((statement: any) => ({ roles: policy.Properties.Roles.map((role: any) => role.Ref), actions: actionsOf(statement) })));
}

describe('ScheduledPgDump with age encryption and a VerifyRestore of it', () => {
  const { stack, vpc, instance } = databaseStack();
  const identitySecret = new secretsmanager.Secret(stack, 'AgeIdentity', { description: 'age identity of the backups' });
  const dump = new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), encryption: { recipients: [RECIPIENT, SPARE], identitySecret } });
  const drill = new VerifyRestore(stack, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE });
  const template = Template.fromStack(stack);
  const secretId = stack.getLogicalId(identitySecret.node.defaultChild as secretsmanager.CfnSecret);
  const roleId = (role: { node: { defaultChild?: unknown } }) => stack.getLogicalId(role.node.defaultChild as any);
  const containerOf = (taskDefinition: { node: { defaultChild?: unknown } }, name: string) => template.toJSON()
    .Resources[stack.getLogicalId(taskDefinition.node.defaultChild as any)].Properties.ContainerDefinitions
    .find((container: any) => container.Name === name);

  test('the dump container gets the public keys in PG_BACKUP_AGE_RECIPIENTS and no identity', () => {
    const runner = containerOf(dump.taskDefinition, 'runner');
    expect(runner.Environment).toEqual([{ Name: 'PG_BACKUP_AGE_RECIPIENTS', Value: `${RECIPIENT},${SPARE}` }]);
    expect(JSON.stringify(runner)).not.toContain(secretId);
  });

  test('the drill container gets the identity as PG_BACKUP_AGE_IDENTITY from the secret', () => {
    const runner = containerOf(drill.taskDefinition, 'runner');
    expect(runner.Secrets).toEqual(expect.arrayContaining([{ Name: 'PG_BACKUP_AGE_IDENTITY', ValueFrom: { Ref: secretId } }]));
  });

  test('only the drill\'s execution role may read the identity secret: neither dump role nor the drill\'s runner role', () => {
    const grants = grantsOn(template, secretId);
    expect(grants.length).toBeGreaterThan(0);
    expect(new Set(grants.flatMap((grant) => grant.roles))).toEqual(new Set([roleId(drill.taskDefinition.executionRole!)]));
    expect(grants.flatMap((grant) => grant.actions)).toContain('secretsmanager:GetSecretValue');
    const dumpRoles = [roleId(dump.taskDefinition.taskRole), roleId(dump.taskDefinition.executionRole!)];
    expect(grants.flatMap((grant) => grant.roles).filter((role) => dumpRoles.includes(role))).toEqual([]);
  });

  test('the protection metadata records the recipients and where the identity that decrypts them is', () => {
    expect(dump.plan.protection.encryptedTo).toEqual([RECIPIENT, SPARE]);
    const recorded = dump.node.metadata.find((entry) => entry.type === PROTECTION_METADATA_TYPE)!.data;
    expect(recorded).toMatchObject({ encryptedTo: [RECIPIENT, SPARE], identitySecret: `secret ${identitySecret.node.path}` });
  });
});

describe('age encryption is checked at synth time', () => {
  test.each([
    [{ recipients: [] }, /Dump: encryption\.recipients is \[\]; allowed: at least one age public key/],
    [{ recipients: ['age1short'] }, /Dump: encryption\.recipients\[0\] is "age1short"; allowed: an age public key \(age1 and 58 lowercase bech32 characters/],
    [{ recipients: [RECIPIENT, 'AGE-SECRET-KEY-1QQQ'] }, /encryption\.recipients\[1\] is "AGE-SECRET-KEY-1QQQ"; allowed: an age public key/],
  ])('ScheduledPgDump encryption %j fails naming the prop and the value', (encryption, message) => {
    const { stack, vpc, instance } = databaseStack();
    expect(() => new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), encryption })).toThrow(message);
  });

  test('a VerifyRestore of encrypted dumps without an identity secret fails naming encryption.identitySecret', () => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), encryption: { recipients: [RECIPIENT] } });
    expect(() => new VerifyRestore(stack, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE }))
      .toThrow(/Verify: encryption\.identitySecret is undefined; allowed: a secret holding the age identity .*the source encrypts its dumps with age to age1ql3z7/);
  });

  test('a VerifyRestore given its own identity secret drills encrypted dumps whose source keeps none', () => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), encryption: { recipients: [RECIPIENT] } });
    const identitySecret = new secretsmanager.Secret(stack, 'Identity');
    const drill = new VerifyRestore(stack, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE, encryption: { identitySecret } });
    expect(drill.plan.identityEnvironmentVariable).toBe('PG_BACKUP_AGE_IDENTITY');
    const template = Template.fromStack(stack);
    expect(grantsOn(template, stack.getLogicalId(identitySecret.node.defaultChild as secretsmanager.CfnSecret)).flatMap((grant) => grant.roles))
      .toEqual([stack.getLogicalId(drill.taskDefinition.executionRole!.node.defaultChild as any)]);
  });
});
