import { loadBertUncasedVocabulary, BERT_UNCASED_VOCAB_SIZE } from './vocabulary';

describe('bert-base-uncased vocabulary', () => {
  it('has the exact 30,522 tokens with the known special-token ids', () => {
    const vocabulary = loadBertUncasedVocabulary();
    expect(vocabulary).toHaveLength(BERT_UNCASED_VOCAB_SIZE);
    expect([vocabulary[0], vocabulary[1], vocabulary[100], vocabulary[101], vocabulary[102], vocabulary[103]]).toEqual([
      '[PAD]',
      '[unused0]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
    ]);
    expect(vocabulary[2003]).toBe('is');
    expect(vocabulary.indexOf('##s')).toBeGreaterThan(0);
  });
});
