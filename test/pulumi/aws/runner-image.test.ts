import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNNER_IMAGE_CONTEXT_EXCLUDE } from '../../../src/core/aws/runner-image';
import { runnerImageBuild } from '../../../src/pulumi/aws/runner-image';

/** The patterns of a Docker ignore file, without comments and blank lines. */
function ignorePatterns(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

describe('runnerImageBuild', () => {
  const build = runnerImageBuild(16);

  test('names the package root as context, the Dockerfile in it, the client major and the tasks\' platform', () => {
    expect(build.dockerfile).toBe(path.join(build.context, 'runner-image', 'Dockerfile'));
    expect(fs.existsSync(path.join(build.context, 'package.json'))).toBe(true);
    expect(build.buildArgs).toEqual({ PG_MAJOR: '16' });
    expect(build.platform).toBe('linux/amd64');
  });

  test('leaves out of the context what the CDK asset leaves out: everything but the files the image reads', () => {
    expect(build.exclude).toEqual(RUNNER_IMAGE_CONTEXT_EXCLUDE);
  });

  test('BuildKit reads the same exclusions from the Dockerfile\'s own ignore file', () => {
    expect(ignorePatterns(`${build.dockerfile}.dockerignore`)).toEqual(RUNNER_IMAGE_CONTEXT_EXCLUDE);
  });
});
