import { expectGolden } from './golden-files';
import { runPulumiExampleGraph } from './pulumi-examples';

describe('the resource graph of examples/pulumi-aws-blueprint', () => {
  test('registers, under the mocks, the resources of its golden file with the same parents and inputs', async () => {
    const graph = await runPulumiExampleGraph('pulumi-aws-blueprint', 'postgres-backup-aws-blueprint-example');
    expect(graph.length).toBeGreaterThan(0);
    expectGolden('pulumi-aws-blueprint/resources.json', graph);
  });
});
