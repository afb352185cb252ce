import { matchIds } from './id-expression';

const models = [{ id: '.elser_model_2' }, { id: '.elser_model_2_linux-x86_64' }, { id: 'lang_ident_model_1' }];
const ids = (model: { id: string }) => [model.id];
const matched = (expression: string | undefined, allowNoMatch = true) => matchIds(expression, models, ids, allowNoMatch).map((m) => m.id);

describe('matchIds', () => {
  it('reads _all, *, ids and patterns, keeping the known order', () => {
    expect(matched(undefined)).toHaveLength(3);
    expect(matched('_all')).toHaveLength(3);
    expect(matched('lang_ident_model_1,.elser*')).toEqual(['.elser_model_2', '.elser_model_2_linux-x86_64', 'lang_ident_model_1']);
    expect(matched('*linux*')).toEqual(['.elser_model_2_linux-x86_64']);
  });

  it('treats regular-expression characters in an id as themselves', () => {
    expect(matched('.elser_model_.*')).toEqual([]);
    expect(() => matched('.elser_model_.')).toThrow('No known trained model with model_id [.elser_model_.]');
  });

  it('fails for an explicit id that matches nothing, and for a pattern only when no match is disallowed', () => {
    expect(() => matched('missing')).toThrow('No known trained model with model_id [missing]');
    expect(matched('missing*')).toEqual([]);
    expect(() => matched('missing*', false)).toThrow('No known trained model with model_id [missing*]');
  });

  it('matches a pattern of many stars without backtracking', () => {
    // A regular expression built from this pattern takes minutes on the ids above.
    expect(matched(`${'*'.repeat(40)}Z`)).toEqual([]);
    expect(matched(`${'*'.repeat(40)}1`)).toEqual(['lang_ident_model_1']);
  });
});
