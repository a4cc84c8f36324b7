import { client } from '../transport/client';
import { useUi } from '../stores/ui';

/**
 * A path typed by hand, plus the native picker in the desktop window (the
 * browser UI cannot see this machine's folders, so there the path is typed).
 */
export function PathField({
  label,
  value,
  onChange,
  kinds,
  placeholder,
}: {
  label: string;
  value: string;
  onChange(path: string): void;
  kinds: ('file' | 'folder')[];
  placeholder?: string;
}) {
  const pick = async (kind: 'file' | 'folder') => {
    try {
      const picked = await client.app.pickPath({ kind, title: label });
      if (picked.path) onChange(picked.path);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <div className="row path-field">
      <label>
        {label}
        <input value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} />
      </label>
      {window.benchtop
        ? kinds.map((kind) => (
            <button key={kind} type="button" onClick={() => void pick(kind)}>
              {kind === 'file' ? 'File…' : 'Folder…'}
            </button>
          ))
        : null}
    </div>
  );
}
