/**
 * A registry name (model or dataset) from the last part of a path: "sk-model.joblib" -> "sk-model".
 * The extension goes, other characters than the registry takes become "-", and it starts with a letter or digit.
 */
export function nameFromBase(base: string): string {
  return base
    .replace(/\.[^.]+$/, '')
    .replace(/[^a-zA-Z0-9._-]/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 255);
}
