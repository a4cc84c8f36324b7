import { useState } from 'react';

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A textarea for a list, one item per line. It keeps what the user typed (a trailing newline,
 * blank lines) while the list it means is unchanged, so Enter starts a new line instead of
 * being swallowed by the round trip through the parsed list.
 */
export function ListField({
  label,
  values,
  onChange,
  rows = 3,
  placeholder,
  ariaLabel,
}: {
  label: string;
  values: string[];
  onChange(values: string[]): void;
  rows?: number;
  placeholder?: string;
  ariaLabel?: string;
}) {
  const [text, setText] = useState(values.join('\n'));
  const shown = same(lines(text), values) ? text : values.join('\n');
  return (
    <label>
      {label}
      <textarea
        aria-label={ariaLabel}
        rows={rows}
        value={shown}
        placeholder={placeholder}
        onChange={(e) => {
          setText(e.target.value);
          onChange(lines(e.target.value));
        }}
      />
    </label>
  );
}
