export { BertWordPieceTokenizer, InputTooLongError, DEFAULT_TOKENIZATION_OPTIONS } from './bert-tokenizer';
export type { Encoding, SpecialTokenIds, TokenizationOptions } from './bert-tokenizer';
