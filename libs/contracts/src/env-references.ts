/**
 * Fills `${NAME}` references in a rules-as-code document's text from an
 * environment (the way Grafana provisioning and docker compose read secrets
 * from the environment instead of the file). `$${NAME}` stays a literal
 * `${NAME}`. Returns the text and the names that were not set (the caller
 * refuses the document when any is missing, naming them).
 */
export function fillEnvReferences(
  text: string,
  env: Record<string, string | undefined>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(/(\$?)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const v = env[name];
    if (v === undefined) {
      missing.add(name);
      return whole;
    }
    // Inside YAML or JSON strings: keep the value a single-line string.
    return JSON.stringify(v).slice(1, -1);
  });
  return { text: out, missing: [...missing].sort() };
}
