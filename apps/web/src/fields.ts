import { KEY_FIELD_TYPES, type Field, type FieldType } from '@anom/contracts';

/** Names of the fields whose type is one of `types`. */
function namesOf(fields: readonly Pick<Field, 'name' | 'type'>[], types: readonly FieldType[]): string[] {
  return fields.filter((f) => types.includes(f.type)).map((f) => f.name);
}

/** Number and integer fields: what thresholds, aggregations and charts take. */
export const numericFieldNames = (fields: readonly Pick<Field, 'name' | 'type'>[]) =>
  namesOf(fields, ['number', 'integer']);

/** Scalar fields: what group-by and entity keys take (the api's KEY_FIELD_TYPES). */
export const keyFieldNames = (fields: readonly Pick<Field, 'name' | 'type'>[]) => namesOf(fields, KEY_FIELD_TYPES);

/** Fields a view panel may group or filter by (@anom/domain checkSeriesSpec: not number). */
export const panelGroupFieldNames = (fields: readonly Pick<Field, 'name' | 'type'>[]) =>
  namesOf(fields, ['string', 'enum', 'integer', 'boolean']);

/** IANA time zones the browser knows, for a business's time zone. */
export const TIME_ZONES: string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
