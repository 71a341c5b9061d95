import { checkField } from '../schema/business-schema';
import { isLoincCode, isUcumCode } from './codes';
import { fillEnvReferences } from '@anom/contracts';

describe('LOINC and UCUM codes of a field', () => {
  it.each(['8867-4', '59408-5', '9279-1', '8310-5', '61008-9', '80404-7', '2708-6'])(
    'accepts the published LOINC code %s (its mod-10 check digit matches)',
    (code) => expect(isLoincCode(code)).toBe(true),
  );

  it.each(['8867-5', '59408-4', '8867', '8867-44', 'abc-1', '12345678-9', ''])('refuses %s', (code) =>
    expect(isLoincCode(code)).toBe(false),
  );

  it('checks UCUM codes for their syntax only', () => {
    expect(['/min', '%', 'Cel', 'mm[Hg]', '{beats}/min'].every(isUcumCode)).toBe(true);
    expect(['beats per minute', '', '°C'].some(isUcumCode)).toBe(false);
  });

  it('codes only numeric fields, with a unit and a valid check digit', () => {
    expect(checkField({ name: 'hr', type: 'number', loinc: '8867-4', ucum: '/min' })).toEqual([]);
    expect(checkField({ name: 'hr', type: 'number', loinc: '8867-5', ucum: '/min' })).toEqual([
      { pointer: '/loinc', detail: 'must be a LOINC code with its check digit (8867-4)' },
    ]);
    expect(checkField({ name: 'hr', type: 'number', loinc: '8867-4' })).toEqual([
      { pointer: '/ucum', detail: 'a coded field needs its UCUM unit (/min, %, Cel)' },
    ]);
    expect(checkField({ name: 'note', type: 'string', loinc: '8867-4', ucum: '/min' })[0].pointer).toBe('/loinc');
  });
});

describe('${ENV} references of a rules-as-code document', () => {
  it('fills set variables, names the missing ones and keeps $${ESCAPED} literal', () => {
    const r = fillEnvReferences('url: ${A}\nsecret: ${B}\nliteral: $${C}\nagain: ${B}', { A: 'http://x/"y"' });
    expect(r.text).toBe('url: http://x/\\"y\\"\nsecret: ${B}\nliteral: ${C}\nagain: ${B}');
    expect(r.missing).toEqual(['B']);
  });
});
