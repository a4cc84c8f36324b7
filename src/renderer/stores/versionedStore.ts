import { create } from 'zustand';
import { useUi } from './ui';

/** What a registry list (models, datasets) loads: the newest version of each name, and one name's versions. */
export interface VersionedSource<R> {
  listLatest(): Promise<R[]>;
  /** One name's versions, newest first. */
  listVersions(name: string): Promise<R[]>;
}

/** A list of names, one selected name with its versions and selected version, and the Register view. */
export interface VersionedState<R extends { version: number }, Prefill> {
  /** The newest version of each name. */
  latest: R[] | null;
  selected: string | null;
  versions: R[] | null;
  version: number | null;
  registering: Prefill | null;
  refresh(): Promise<void>;
  select(name: string | null, version?: number): Promise<void>;
  reloadVersions(): Promise<void>;
  setVersion(version: number): void;
  openRegister(prefill: Prefill): void;
  closeRegister(): void;
}

/**
 * The store behind a versioned registry screen. Models and datasets select, reload and register alike;
 * only where their records come from differs.
 */
export function createVersionedStore<R extends { version: number }, Prefill>(source: VersionedSource<R>) {
  return create<VersionedState<R, Prefill>>((set, get) => ({
    latest: null,
    selected: null,
    versions: null,
    version: null,
    registering: null,
    refresh: async () => {
      try {
        set({ latest: await source.listLatest() });
      } catch (err) {
        useUi.getState().showError(err);
      }
    },
    select: async (name, version) => {
      set({ selected: name, versions: null, version: version ?? null, registering: null });
      if (name) await get().reloadVersions();
    },
    reloadVersions: async () => {
      const name = get().selected;
      if (!name) return;
      try {
        const versions = await source.listVersions(name);
        // Another name was selected while this one loaded: its answer is stale.
        if (get().selected !== name) return;
        const keep = versions.some((v) => v.version === get().version);
        set({ versions, version: keep ? get().version : (versions[0]?.version ?? null) });
      } catch (err) {
        // The selected name is gone (its last version deleted here or by another process): the selection
        // goes with it, with no error (it would replace the "Deleted ..." message the delete just showed).
        if ((err as { code?: string }).code === 'NOT_FOUND' && get().selected === name) {
          set({ selected: null, versions: null, version: null });
          return;
        }
        useUi.getState().showError(err);
      }
    },
    setVersion: (version) => set({ version }),
    openRegister: (prefill) => set({ registering: prefill }),
    closeRegister: () => set({ registering: null }),
  }));
}
