import { expectGolden } from './golden-files';
import { runPulumiExampleGraph } from './pulumi-examples';

describe('the resource graph of examples/pulumi-azure', () => {
  test('registers, under the mocks, the resources of its golden file with the same parents and inputs', async () => {
    const graph = await runPulumiExampleGraph('pulumi-azure', 'postgres-backup-azure-example');
    expect(graph.length).toBeGreaterThan(0);
    expectGolden('pulumi-azure/resources.json', graph);
  });
});
