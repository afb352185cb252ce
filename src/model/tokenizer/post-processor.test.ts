import { BertPostProcessor, InputTooLongError, resolveTokenizationOptions } from './post-processor';

const CLS = 101;
const SEP = 102;
const pieces = (n: number) => Array.from({ length: n }, (_, i) => 1000 + i);

describe('BertPostProcessor', () => {
  it('wraps the pieces in [CLS] … [SEP]', () => {
    expect(new BertPostProcessor(CLS, SEP).process([7, 8])).toEqual({ ids: [CLS, 7, 8, SEP], truncated: false });
    expect(new BertPostProcessor(CLS, SEP).process([])).toEqual({ ids: [CLS, SEP], truncated: false });
  });

  it('does not truncate an input that exactly fits', () => {
    const post = new BertPostProcessor(CLS, SEP, { maxSequenceLength: 10 });
    const encoding = post.process(pieces(8));
    expect(encoding).toEqual({ ids: [CLS, ...pieces(8), SEP], truncated: false });
  });

  it('truncates an input one piece over, keeping the first pieces and [SEP]', () => {
    const post = new BertPostProcessor(CLS, SEP, { maxSequenceLength: 10 });
    const encoding = post.process(pieces(9));
    expect(encoding.truncated).toBe(true);
    expect(encoding.ids).toEqual([CLS, ...pieces(8), SEP]);
  });

  it('truncates long inputs to maxSequenceLength', () => {
    const post = new BertPostProcessor(CLS, SEP);
    const encoding = post.process(pieces(700));
    expect(encoding.ids).toHaveLength(512);
    expect(encoding.ids).toEqual([CLS, ...pieces(510), SEP]);
    expect(encoding.truncated).toBe(true);
  });

  it('needs only one piece more than fits to decide on truncation', () => {
    expect(new BertPostProcessor(CLS, SEP).pieceLimit).toBe(511);
    expect(new BertPostProcessor(CLS, SEP, { truncate: 'none' }).pieceLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it("rejects inputs that do not fit when truncate is 'none'", () => {
    const post = new BertPostProcessor(CLS, SEP, { maxSequenceLength: 10, truncate: 'none' });
    expect(post.process(pieces(8))).toEqual({ ids: [CLS, ...pieces(8), SEP], truncated: false });
    let error: unknown;
    try {
      post.process(pieces(9));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputTooLongError);
    expect(error).toMatchObject({ tokenCount: 11, maxSequenceLength: 10 });
    expect((error as Error).message).toBe('Input too large. The tokenized input length [11] exceeds the maximum sequence length [10]');
  });
});

describe('resolveTokenizationOptions', () => {
  it('defaults to 512 and truncate first', () => {
    expect(resolveTokenizationOptions()).toEqual({ maxSequenceLength: 512, truncate: 'first' });
    expect(resolveTokenizationOptions({ maxSequenceLength: undefined, truncate: 'none' })).toEqual({
      maxSequenceLength: 512,
      truncate: 'none',
    });
  });

  it('rejects invalid options', () => {
    expect(() => resolveTokenizationOptions({ maxSequenceLength: 1 })).toThrow(RangeError);
    expect(() => resolveTokenizationOptions({ maxSequenceLength: 12.5 })).toThrow(RangeError);
    expect(() => resolveTokenizationOptions({ truncate: 'second' as 'first' })).toThrow(RangeError);
  });
});
