import { ListField } from '../../components/ListField';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';

/**
 * Files, folders or globs, one per line; the desktop window adds picked ones (the browser UI cannot
 * see this machine's folders, so there they are typed).
 */
export function PathsField({ paths, onChange }: { paths: string[]; onChange(paths: string[]): void }) {
  const pick = async (kind: 'file' | 'folder') => {
    try {
      const picked = await client.app.pickPath({ kind, title: 'Add to the dataset' });
      if (picked.path && !paths.includes(picked.path)) onChange([...paths, picked.path]);
    } catch (err) {
      useUi.getState().showError(err);
    }
  };
  return (
    <div className="paths-field">
      <ListField
        label="Paths (one per line: a file, a folder, or a glob such as /data/**/*.csv)"
        ariaLabel="Paths"
        values={paths}
        onChange={onChange}
        rows={3}
        placeholder="/home/me/data/train.csv"
      />
      {window.benchtop ? (
        <div className="row">
          <button type="button" onClick={() => void pick('file')}>
            Add file…
          </button>
          <button type="button" onClick={() => void pick('folder')}>
            Add folder…
          </button>
        </div>
      ) : null}
    </div>
  );
}
