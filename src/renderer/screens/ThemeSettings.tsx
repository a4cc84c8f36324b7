import { type ThemeChoice, useTheme } from '../theme';

const CHOICES: [ThemeChoice, string][] = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** Appearance: follow the OS, or always light / dark (remembered for this user interface). */
export function ThemeSettings() {
  const { choice, setChoice } = useTheme();
  return (
    <fieldset className="choice-row theme-choice">
      <legend>Appearance</legend>
      {CHOICES.map(([value, label]) => (
        <label key={value} className="inline">
          <input type="radio" name="theme" value={value} checked={choice === value} onChange={() => setChoice(value)} />
          {label}
        </label>
      ))}
      <span className="muted">System follows the operating system's light or dark setting.</span>
    </fieldset>
  );
}
