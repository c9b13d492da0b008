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
exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG = exports.RUNNER_DOCKERFILE = void 0;
exports.runnerImageBuild = runnerImageBuild;
exports.postgresServerImage = postgresServerImage;
const path = __importStar(require("node:path"));
/** Where the runner's Dockerfile lives, relative to the package root. */
exports.RUNNER_DOCKERFILE = 'runner-image/Dockerfile';
/** The build argument that selects the PostgreSQL client major installed in the runner image. */
exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG = 'PG_MAJOR';
/**
 * How to build the `pg-backup` runner image with the PostgreSQL client of a major version. Pulumi has no asset build
 * like CDK's `ContainerImage.fromAsset`, so the components take an image reference; build and push it with a Docker
 * resource of your program, for example `@pulumi/docker-build` (not a dependency of this package):
 *
 * ```ts
 * const build = runnerImageBuild(16);
 * const image = new dockerBuild.Image('runner', {
 *   context: { location: build.context },
 *   dockerfile: { location: build.dockerfile },
 *   buildArgs: build.buildArgs,
 *   platforms: [build.platform],
 *   push: true,
 *   tags: [pulumi.interpolate`${repository.repositoryUrl}:pg16`],
 *   registries: [{ address: repository.repositoryUrl, username: auth.userName, password: auth.password }],
 * });
 * // then: new ScheduledPgDump('orders', { image: image.ref, … })
 * ```
 */
function runnerImageBuild(postgresMajorVersion) {
    const root = path.resolve(__dirname, '..', '..', '..');
    return {
        context: root,
        dockerfile: path.join(root, exports.RUNNER_DOCKERFILE),
        buildArgs: { [exports.RUNNER_IMAGE_POSTGRES_MAJOR_ARG]: String(postgresMajorVersion) },
        platform: 'linux/amd64',
    };
}
/**
 * The official PostgreSQL image of a major version, from the ECR Public mirror of Docker Hub's library (no anonymous
 * pull limits), used as the scratch server of restore drills.
 */
function postgresServerImage(postgresMajorVersion) {
    return `public.ecr.aws/docker/library/postgres:${postgresMajorVersion}`;
}
