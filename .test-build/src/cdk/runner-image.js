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
exports.RUNNER_IMAGE_CONTEXT_FILES = exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG = exports.RUNNER_DOCKERFILE = void 0;
exports.packageRoot = packageRoot;
exports.runnerImageFromPackage = runnerImageFromPackage;
exports.postgresServerImage = postgresServerImage;
const path = __importStar(require("node:path"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const aws_ecr_assets_1 = require("aws-cdk-lib/aws-ecr-assets");
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
/** Where the runner's Dockerfile lives, relative to the package root. */
exports.RUNNER_DOCKERFILE = 'runner-image/Dockerfile';
/** The build argument that selects the PostgreSQL client major installed in the runner image. */
exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG = 'PG_MAJOR';
/**
 * The package files the image build reads. Everything else in the package root (node_modules, tests, a
 * git checkout) is left out of the asset, so the build context stays small and its hash changes only when
 * the runner does. The image runs the compiled `lib/`: in a checkout, compile before `cdk deploy`.
 */
exports.RUNNER_IMAGE_CONTEXT_FILES = ['package.json', 'package-lock.json', 'lib', 'runner-image'];
/** The root of this package: `src/cdk` in a checkout, `lib/cdk` once built; both sit two levels down. */
function packageRoot() {
    return path.resolve(__dirname, '..', '..');
}
/**
 * The `pg-backup` runner image, built by `cdk deploy` from the Dockerfile shipped in this package, with the
 * PostgreSQL client of the given major.
 */
function runnerImageFromPackage(options) {
    const exclude = ['*', ...exports.RUNNER_IMAGE_CONTEXT_FILES.map((file) => `!${file}`), '**/node_modules'];
    return ecs.ContainerImage.fromAsset(packageRoot(), {
        file: exports.RUNNER_DOCKERFILE,
        buildArgs: { [exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG]: String(options.postgresMajorVersion) },
        platform: options.platform ?? aws_ecr_assets_1.Platform.LINUX_AMD64,
        exclude,
        ignoreMode: aws_cdk_lib_1.IgnoreMode.DOCKER,
    });
}
/**
 * The official PostgreSQL image of a major version, from the ECR Public mirror of Docker Hub's library (no
 * anonymous pull limits), used as the scratch server of restore drills.
 */
function postgresServerImage(postgresMajorVersion) {
    return ecs.ContainerImage.fromRegistry(`public.ecr.aws/docker/library/postgres:${postgresMajorVersion}`);
}
