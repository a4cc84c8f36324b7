import { useCallback, useEffect, useState } from 'react';
import { useUi } from '../stores/ui';
import { client } from '../transport/client';

const fail = (err: unknown) => useUi.getState().showError(err);
/** A version deleted meanwhile (here or elsewhere) is no error to show: the list drops it and the selection goes. */
const failUnlessGone = (err: unknown) => {
  if ((err as { code?: string }).code !== 'NOT_FOUND') fail(err);
};

/** The registry lists a change to one version can show up in. */
interface VersionLists {
  getState(): { refresh(): Promise<void>; reloadVersions(): Promise<void> };
}

interface VersionDetailSource<D> {
  name: string;
  version: number | null;
  /** Module-level (a stable function): a new one each render would load again each render. */
  fetchDetail(name: string, version: number): Promise<D>;
  /** The event that says this registry's name changed elsewhere (the CLI, a script). */
  changedEvent: 'models.changed' | 'datasets.changed';
  lists: VersionLists;
}

/**
 * The selected version's detail of a versioned registry (models, datasets): loaded when the version
 * changes, and again when the name changes elsewhere, so the view never shows a stale tag or profile.
 */
export function useVersionDetail<D>({ name, version, fetchDetail, changedEvent, lists }: VersionDetailSource<D>) {
  const [detail, setDetail] = useState<D | null>(null);
  const load = useCallback(() => {
    if (version === null) return;
    fetchDetail(name, version).then(setDetail, failUnlessGone);
  }, [name, version, fetchDetail]);
  useEffect(load, [load]);
  useEffect(
    () =>
      client.on(changedEvent, (e) => {
        if (e.name === name) load();
      }),
    [changedEvent, name, load],
  );
  /** Saves a change (tags, description), then shows it here, in the list of names and in the versions table. */
  const saveChange = async (save: () => Promise<unknown>) => {
    try {
      await save();
      load();
      void lists.getState().refresh();
      void lists.getState().reloadVersions();
    } catch (err) {
      fail(err);
    }
  };
  return { detail, load, saveChange };
}
