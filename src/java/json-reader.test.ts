import { readJson, JsonSyntaxError } from './json-reader';
import { JavaDouble } from './values';

describe('readJson', () => {
  it('keeps Jackson number kinds', () => {
    const { value } = readJson('{"i":1,"d":1.0,"l":4294967296,"e":1e3}');
    const map = value as Map<string, unknown>;
    expect(map.get('i')).toBe(1);
    expect(map.get('d')).toEqual(new JavaDouble(1));
    expect(map.get('l')).toBe(4294967296n);
    expect(map.get('e')).toEqual(new JavaDouble(1000));
  });

  it('records top-level field locations', () => {
    const { topLevelFieldLocations } = readJson('{"input":"x",\n  "foo":1}');
    expect(topLevelFieldLocations.get('foo')).toEqual({ line: 2, column: 3 });
  });

  it('rejects duplicate keys and malformed documents with Jackson wording', () => {
    expect(() => readJson('{"a":1,"a":2}')).toThrow("Duplicate field 'a'");
    expect(() => readJson('{"a":}')).toThrow(JsonSyntaxError);
    expect(() => readJson('{"a":}')).toThrow("Unexpected character ('}' (code 125)): expected a valid value");
    expect(() => readJson('{"a":1')).toThrow('Unexpected end-of-input: expected close marker for Object');
    expect(() => readJson('{"a":tru}')).toThrow("Unrecognized token 'tru'");
    expect(() => readJson('')).toThrow('No content to map due to end-of-input');
  });

  it('ignores trailing content after the first value, as Elasticsearch does', () => {
    expect((readJson('{"a":1} trailing').value as Map<string, unknown>).get('a')).toBe(1);
  });
});

describe('readJson nesting limit', () => {
  it('refuses documents nested deeper than Jackson allows instead of overflowing the stack', () => {
    expect(() => readJson('['.repeat(100000))).toThrow('Document nesting depth (1001) exceeds the maximum allowed (1000');
  });
});
