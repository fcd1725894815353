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
  /** Multi-label bundles: `probabilities` are independent sigmoids; a label applies when its
   * probability reaches its entry of `thresholds` (labels order), or `threshold` where the
   * bundle has no per-label thresholds (both tuned on the run's validation split). */
  multiLabel?: true;
  threshold?: number;
  thresholds?: number[];
  source: {
    runId: string;
    strategy: string;
    model: string;
    /**
     * The dataset's name and version ("sst2 v1"), and its content hash; the dataset id alone
     * for a run older than runs keeping their dataset whose dataset was deleted before export.
     */
    dataset: string;
    datasetHash?: string;
    exportedAt: string;
    graftVersion: string;
  };
}
