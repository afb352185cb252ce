import { formatJavaDouble, hashMapOrder, javaToString, JavaDouble } from './values';

describe('Java value rendering', () => {
  it('formats doubles as Double.toString does', () => {
    expect(formatJavaDouble(1)).toBe('1.0');
    expect(formatJavaDouble(1.5)).toBe('1.5');
    expect(formatJavaDouble(1e20)).toBe('1.0E20');
    expect(formatJavaDouble(1.25e-5)).toBe('1.25E-5');
    expect(formatJavaDouble(0.001)).toBe('0.001');
    expect(formatJavaDouble(12345678.9)).toBe('1.23456789E7');
  });

  it('orders keys as a java.util.HashMap iterates them', () => {
    // "foo".hashCode() = 101574, "bar".hashCode() = 97299 -> buckets 7 and 2
    expect(hashMapOrder(['foo', 'bar'])).toEqual(['bar', 'foo']);
    expect(hashMapOrder(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('renders maps and lists as Map.toString and List.toString do', () => {
    const map = new Map<string, never>([
      ['foo', 'bar' as never],
      ['n', new JavaDouble(2) as never],
    ]);
    expect(javaToString(map)).toBe('{foo=bar, n=2.0}');
    expect(javaToString([1, 'a', null])).toBe('[1, a, null]');
  });
});
