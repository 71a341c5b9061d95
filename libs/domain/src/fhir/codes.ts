/**
 * Clinical codes of a field: LOINC identifies what was measured, UCUM the unit,
 * as FHIR R4 Observations carry them (`code.coding[system=http://loinc.org]`,
 * `valueQuantity.system = http://unitsofmeasure.org`).
 */
export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/**
 * Whether `code` is a well-formed LOINC code: up to 7 digits, a dash and the
 * check digit, which must match. LOINC's check digit is the mod-10 algorithm
 * of its User's Guide (Appendix: "Calculating Mod 10 Check Digits"): from the
 * rightmost digit, double every other digit starting with that one, sum the
 * digits of the products and the undoubled digits, and the check digit is
 * what brings the sum to the next multiple of 10. 8867-4 passes; 8867-5 does not.
 */
export function isLoincCode(code: string): boolean {
  const m = /^(\d{1,7})-(\d)$/.exec(code);
  if (!m) return false;
  const digits = m[1].split('').reverse();
  let sum = 0;
  digits.forEach((d, i) => {
    const n = Number(d) * (i % 2 === 0 ? 2 : 1);
    sum += n > 9 ? n - 9 : n;
  });
  return (10 - (sum % 10)) % 10 === Number(m[2]);
}

/**
 * Whether `unit` can be a UCUM case-sensitive code: printable ASCII without
 * spaces, at most 64 characters (UCUM §1–§4: units are ASCII terms,
 * `/min`, `%`, `Cel`, `mm[Hg]`, `{beats}/min`). A syntax check only, not a
 * parse of the UCUM grammar.
 */
export function isUcumCode(unit: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(unit);
}
