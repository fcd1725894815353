/**
 * Per-architecture weight names: where each piece of a post-LayerNorm transformer encoder lives
 * in a Hugging Face checkpoint. The maths is shared (see transformer.ts); only the names and a
 * few structural switches differ, so each architecture is a table here rather than a builder.
 *
 * Names are relative to the encoder prefix ("bert.", "roberta.", "distilbert.", "albert.",
 * "electra." or "" for bare models), the same names `trainable(name)` receives.
 */
import type { EncoderConfig } from './arch-config';

/** One attention + feed-forward block; each entry is a Linear or LayerNorm name stem. */
export interface BlockWeights {
  query: string;
  key: string;
  value: string;
  /** Linear after the heads are merged. */
  attentionOut: string;
  /** LayerNorm over attention output + residual. */
  attentionNorm: string;
  ffnIn: string;
  ffnOut: string;
  /** LayerNorm over feed-forward output + residual. */
  outputNorm: string;
}

export interface ArchLayout {
  wordEmbeddings: string;
  positionEmbeddings: string;
  /** null where the architecture has no token types (DistilBERT). */
  tokenTypeEmbeddings: string | null;
  embeddingNorm: string;
  /** Linear embedding_size -> hidden_size after the embeddings (ALBERT, ELECTRA); else null. */
  embeddingProjection: string | null;
  /**
   * The blocks that make up hidden layer l, applied in order; hidden state l + 1 is the output
   * of the last. ALBERT returns the same names for every layer of a group (shared weights).
   */
  layerBlocks(l: number): BlockWeights[];
}

/** BERT, RoBERTa, XLM-R and ELECTRA share modeling_bert's block names. */
function bertBlock(l: number): BlockWeights {
  const base = `encoder.layer.${l}`;
  return {
    query: `${base}.attention.self.query`,
    key: `${base}.attention.self.key`,
    value: `${base}.attention.self.value`,
    attentionOut: `${base}.attention.output.dense`,
    attentionNorm: `${base}.attention.output.LayerNorm`,
    ffnIn: `${base}.intermediate.dense`,
    ffnOut: `${base}.output.dense`,
    outputNorm: `${base}.output.LayerNorm`,
  };
}

const BERT_EMBEDDINGS = {
  wordEmbeddings: 'embeddings.word_embeddings.weight',
  positionEmbeddings: 'embeddings.position_embeddings.weight',
  tokenTypeEmbeddings: 'embeddings.token_type_embeddings.weight',
  embeddingNorm: 'embeddings.LayerNorm',
};

/** modeling_distilbert: transformer.layer.N with q_lin/k_lin/v_lin/out_lin and ffn.lin1/2. */
function distilbertBlock(l: number): BlockWeights {
  const base = `transformer.layer.${l}`;
  return {
    query: `${base}.attention.q_lin`,
    key: `${base}.attention.k_lin`,
    value: `${base}.attention.v_lin`,
    attentionOut: `${base}.attention.out_lin`,
    attentionNorm: `${base}.sa_layer_norm`,
    ffnIn: `${base}.ffn.lin1`,
    ffnOut: `${base}.ffn.lin2`,
    outputNorm: `${base}.output_layer_norm`,
  };
}

/** modeling_albert: encoder.albert_layer_groups.G.albert_layers.I, shared across layers. */
function albertBlock(group: number, inner: number): BlockWeights {
  const base = `encoder.albert_layer_groups.${group}.albert_layers.${inner}`;
  return {
    query: `${base}.attention.query`,
    key: `${base}.attention.key`,
    value: `${base}.attention.value`,
    attentionOut: `${base}.attention.dense`,
    attentionNorm: `${base}.attention.LayerNorm`,
    ffnIn: `${base}.ffn`,
    ffnOut: `${base}.ffn_output`,
    outputNorm: `${base}.full_layer_layer_norm`,
  };
}

export function archLayout(config: EncoderConfig): ArchLayout {
  switch (config.modelType) {
    case 'distilbert':
      return {
        ...BERT_EMBEDDINGS,
        tokenTypeEmbeddings: null,
        embeddingProjection: null,
        layerBlocks: (l) => [distilbertBlock(l)],
      };
    case 'albert': {
      const { layers, hiddenGroups, innerGroupNum } = config;
      return {
        ...BERT_EMBEDDINGS,
        embeddingProjection: 'encoder.embedding_hidden_mapping_in',
        layerBlocks: (l) => {
          // As AlbertTransformer: group = int(l / (layers / groups)), float division first.
          const group = Math.floor(l / (layers / hiddenGroups));
          return Array.from({ length: innerGroupNum }, (_, i) => albertBlock(group, i));
        },
      };
    }
    case 'electra':
      return {
        ...BERT_EMBEDDINGS,
        embeddingProjection:
          config.embeddingSize !== config.hiddenSize ? 'embeddings_project' : null,
        layerBlocks: (l) => [bertBlock(l)],
      };
    default: // bert, roberta, xlm-roberta
      return { ...BERT_EMBEDDINGS, embeddingProjection: null, layerBlocks: (l) => [bertBlock(l)] };
  }
}
