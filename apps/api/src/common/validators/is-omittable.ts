import { ValidateIf } from 'class-validator';

/**
 * Like class-validator's IsOptional, but only an absent property skips
 * validation: `null` goes through the property's other validators (and is
 * refused by its type check with a 400), where IsOptional let it through to
 * a NOT NULL column as a 500. For properties that have no "clear" meaning.
 */
export const IsOmittable = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
