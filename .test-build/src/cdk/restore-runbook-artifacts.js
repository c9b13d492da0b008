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
exports.RestoreRunbookArtifacts = void 0;
exports.runbookFolder = runbookFolder;
exports.withDeployTimeValuesNamed = withDeployTimeValuesNamed;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const constructs_1 = require("constructs");
/** Folder of the runbooks in the cloud assembly: `<stack artifact id>.runbooks`. */
function runbookFolder(stack) {
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
class RestoreRunbookArtifacts extends constructs_1.Construct {
    runbooks = new Map();
    constructor(scope, id) {
        super(scope, id);
        const stack = aws_cdk_lib_1.Stack.of(this);
        // A construct has no synthesis hook of its own; this is the one aws-cdk-lib offers for extra assembly files.
        (0, aws_cdk_lib_1.attachCustomSynthesis)(this, {
            onSynthesize: (session) => {
                for (const [relativePath, markdown] of this.runbooks) {
                    const file = path.join(session.outdir, relativePath);
                    fs.mkdirSync(path.dirname(file), { recursive: true });
                    fs.writeFileSync(file, withDeployTimeValuesNamed(stack, markdown));
                }
            },
        });
    }
    /**
     * Adds a runbook; returns its path relative to the cloud assembly directory.
     * @param name file name inside the stack's runbook folder, e.g. `orders-db/orders.md`
     */
    add(name, markdown) {
        const relativePath = `${runbookFolder(aws_cdk_lib_1.Stack.of(this))}/${name}`;
        if (this.runbooks.has(relativePath))
            throw new Error(`a runbook named ${relativePath} was added twice`);
        this.runbooks.set(relativePath, markdown);
        return relativePath;
    }
    /** The runbooks added, by path relative to the cloud assembly. */
    get paths() {
        return [...this.runbooks.keys()];
    }
}
exports.RestoreRunbookArtifacts = RestoreRunbookArtifacts;
/** The text with each token replaced by the name of the CloudFormation value it stands for. */
function withDeployTimeValuesNamed(stack, text) {
    if (!aws_cdk_lib_1.Tokenization.isResolvable(text) && !text.includes('${Token['))
        return text;
    const fragments = aws_cdk_lib_1.Tokenization.reverseString(text).mapTokens({ mapToken: (token) => `<${describeIntrinsic(stack.resolve(token))}>` });
    return String(fragments.join(new aws_cdk_lib_1.StringConcat()));
}
function describeIntrinsic(value) {
    if (typeof value === 'string')
        return value;
    const intrinsic = value;
    if (typeof intrinsic?.Ref === 'string')
        return intrinsic.Ref.startsWith('AWS::') ? intrinsic.Ref : `Ref ${intrinsic.Ref}`;
    const getAtt = intrinsic?.['Fn::GetAtt'];
    if (Array.isArray(getAtt))
        return getAtt.join('.');
    const join = intrinsic?.['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1]))
        return join[1].map((part) => (typeof part === 'string' ? part : describeIntrinsic(part))).join(String(join[0]));
    return JSON.stringify(value);
}
