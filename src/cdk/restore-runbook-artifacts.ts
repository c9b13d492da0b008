import * as fs from 'node:fs';
import * as path from 'node:path';
import { attachCustomSynthesis, Stack, StringConcat, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { cdkValidationOptions } from './cdk-validation';
import { checkRunbookFile, runbookPath } from '../core/policy/runbook';

/** Folder of the runbooks in the cloud assembly: `<stack artifact id>.runbooks`. */
export function runbookFolder(stack: Stack): string {
  return `${stack.artifactId}.runbooks`;
}

/**
 * Restore runbooks written into the cloud assembly (`cdk.out`) when the app is synthesized, one Markdown file each,
 * next to the stack's template, so they are reviewed, versioned and shipped with the deployment that they describe.
 *
 * A runbook may name values only CloudFormation knows (a generated bucket or key ARN, the region of an
 * environment-agnostic stack): in the file such a value reads `<LogicalId.Attribute>` or `<Ref LogicalId>`, the
 * resource to look up in the stack.
 */
export class RestoreRunbookArtifacts extends Construct {
  private readonly runbooks = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    // A construct has no synthesis hook of its own; this is the one aws-cdk-lib offers for extra assembly files.
    attachCustomSynthesis(this, {
      onSynthesize: (session) => {
        for (const [relativePath, markdown] of this.runbooks) {
          const file = runbookPath(session.outdir, relativePath);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, withDeployTimeValuesNamed(stack, markdown));
        }
      },
    });
  }

  /**
   * Adds a runbook; returns its path relative to the cloud assembly directory.
   * @param name file name inside the stack's runbook folder, e.g. `orders-db/orders.md`; one that leaves the folder is refused
   */
  public add(name: string, markdown: string): string {
    checkRunbookFile({ name }, cdkValidationOptions(this));
    const folder = runbookFolder(Stack.of(this));
    runbookPath(folder, name);
    const relativePath = `${folder}/${name}`;
    if (this.runbooks.has(relativePath)) throw new Error(`a runbook named ${relativePath} was added twice`);
    this.runbooks.set(relativePath, markdown);
    return relativePath;
  }

  /** The runbooks added, by path relative to the cloud assembly. */
  public get paths(): string[] {
    return [...this.runbooks.keys()];
  }
}

/** The text with each token replaced by the name of the CloudFormation value it stands for. */
export function withDeployTimeValuesNamed(stack: Stack, text: string): string {
  if (!Tokenization.isResolvable(text) && !text.includes('${Token[')) return text;
  const fragments = Tokenization.reverseString(text).mapTokens({ mapToken: (token) => `<${describeIntrinsic(stack.resolve(token))}>` });
  return String(fragments.join(new StringConcat()));
}

function describeIntrinsic(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic?.Ref === 'string') return intrinsic.Ref.startsWith('AWS::') ? intrinsic.Ref : `Ref ${intrinsic.Ref}`;
  const getAtt = intrinsic?.['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return getAtt.join('.');
  const join = intrinsic?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map((part) => (typeof part === 'string' ? part : describeIntrinsic(part))).join(String(join[0]));
  return JSON.stringify(value);
}
