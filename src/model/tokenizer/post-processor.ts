export interface TokenizationOptions {
  /** Maximum sequence length, special tokens included. */
  maxSequenceLength: number;
  /** 'first': keep the first pieces that fit; 'none': reject inputs that do not fit. */
  truncate: 'first' | 'none';
}

export const DEFAULT_TOKENIZATION_OPTIONS: Readonly<TokenizationOptions> = Object.freeze({
  maxSequenceLength: 512,
  truncate: 'first',
});

export interface Encoding {
  /** Token ids, `[CLS]` first and `[SEP]` last; never longer than maxSequenceLength. */
  ids: number[];
  /** True when word pieces were dropped to fit maxSequenceLength. */
  truncated: boolean;
}

/** Thrown when truncation is off and the input needs more than maxSequenceLength tokens. */
export class InputTooLongError extends Error {
  constructor(
    /** Tokens the input needs, special tokens included. */
    readonly tokenCount: number,
    readonly maxSequenceLength: number,
  ) {
    super(`Input too large. The tokenized input length [${tokenCount}] exceeds the maximum sequence length [${maxSequenceLength}]`);
    this.name = 'InputTooLongError';
  }
}

export function resolveTokenizationOptions(options: Partial<TokenizationOptions> = {}): Readonly<TokenizationOptions> {
  const resolved = { ...DEFAULT_TOKENIZATION_OPTIONS, ...definedOnly(options) };
  if (!Number.isInteger(resolved.maxSequenceLength) || resolved.maxSequenceLength < 2) {
    throw new RangeError(`maxSequenceLength must be an integer of at least 2, got ${resolved.maxSequenceLength}`);
  }
  if (resolved.truncate !== 'first' && resolved.truncate !== 'none') {
    throw new RangeError(`truncate must be 'first' or 'none', got ${String(resolved.truncate)}`);
  }
  return Object.freeze(resolved);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** `[CLS] $A [SEP]` with truncation of $A from the end. */
export class BertPostProcessor {
  readonly options: Readonly<TokenizationOptions>;
  /** How many word pieces fit between `[CLS]` and `[SEP]`. */
  readonly maxPieces: number;

  constructor(
    readonly clsId: number,
    readonly sepId: number,
    options: Partial<TokenizationOptions> = {},
  ) {
    this.options = resolveTokenizationOptions(options);
    this.maxPieces = this.options.maxSequenceLength - 2;
  }

  /**
   * The number of pieces an encoder needs to collect before calling `process`: with
   * truncation one more than fits is enough to know that some were dropped.
   */
  get pieceLimit(): number {
    return this.options.truncate === 'first' ? this.maxPieces + 1 : Number.POSITIVE_INFINITY;
  }

  process(pieces: readonly number[]): Encoding {
    const truncated = pieces.length > this.maxPieces;
    if (truncated && this.options.truncate === 'none') {
      throw new InputTooLongError(pieces.length + 2, this.options.maxSequenceLength);
    }
    const kept = truncated ? this.maxPieces : pieces.length;
    const ids = new Array<number>(kept + 2);
    ids[0] = this.clsId;
    for (let i = 0; i < kept; i++) ids[i + 1] = pieces[i];
    ids[kept + 1] = this.sepId;
    return { ids, truncated };
  }
}
