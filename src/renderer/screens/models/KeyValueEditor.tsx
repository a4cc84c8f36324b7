import { useState } from 'react';

/** Tags (editable) or properties (add-only, so no remove): chips plus a key/value form. */
export function KeyValueEditor({
  title,
  noun,
  note,
  values,
  onAdd,
  onRemove,
}: {
  title: string;
  noun: string;
  note?: string;
  values: Record<string, string>;
  onAdd(key: string, value: string): Promise<void>;
  onRemove?(key: string): Promise<void>;
}) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const submit = async () => {
    await onAdd(key.trim(), value.trim());
    setKey('');
    setValue('');
  };
  return (
    <section aria-label={title}>
      <h4>{title}</h4>
      {note ? <p className="muted">{note}</p> : null}
      <div className="chips">
        {Object.keys(values).length === 0 ? <span className="muted">No {title.toLowerCase()}.</span> : null}
        {Object.entries(values).map(([k, v]) => (
          <span key={k} className="chip">
            {v ? `${k}=${v}` : k}
            {onRemove ? (
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${noun} ${k}`}
                onClick={() => void onRemove(k)}
              >
                ×
              </button>
            ) : null}
          </span>
        ))}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <input aria-label={`New ${noun} key`} placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} />
        <input
          aria-label={`New ${noun} value`}
          placeholder="value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" disabled={!key.trim()}>
          Add {noun}
        </button>
      </form>
    </section>
  );
}
