/** The bundle's manifest: what a consumer needs to feed the graph and read its output. */
export const BUNDLE_MANIFEST = 'graft-bundle.json';
export const BUNDLE_FORMAT = 'graft-bundle/1';

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  graph: string;
  /** Texts are truncated to this many tokens, special tokens included. */
  maxLength: number;
  inputs: { name: string; dtype: 'int64'; shape: [string, string] }[];
  output: { name: string; dtype: 'float32'; shape: [string, number] };
  labels: string[];
  source: {
    runId: string;
    strategy: string;
    model: string;
    dataset: string;
    exportedAt: string;
    graftVersion: string;
  };
}
