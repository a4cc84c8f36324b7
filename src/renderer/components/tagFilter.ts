/**
 * A list filter's tag part, the same for models and datasets: "key" has that tag, "key=value" that value too.
 * `text` comes trimmed and lower-case; tag keys and values match whatever their case.
 */
export function tagsMatch(tags: Record<string, string>, text: string): boolean {
  const [key, value] = text.split('=', 2);
  return Object.entries(tags).some(
    ([k, v]) => k.toLowerCase() === key && (value === undefined || v.toLowerCase() === value),
  );
}
