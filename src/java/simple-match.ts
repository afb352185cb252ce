/**
 * `Regex.simpleMatch`: `*` matches any run of characters (none included), everything else
 * itself. Matching takes at most pattern × text steps; a regular expression built from a
 * pattern such as `**********x` instead backtracks for minutes over a short name.
 */
export function simpleMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
