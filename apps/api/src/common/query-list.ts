/**
 * class-transformer `@Transform` for a comma-separated query parameter
 * (`status=open,acknowledged`): a list of its trimmed, non-empty parts. A
 * parameter given more than once arrives as an array and passes as it is.
 */
export const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
