import { useState } from 'react';
import { DATASET_NAME_PATTERN, type RegisteredDataset } from '../../../shared/api/datasetTypes';
import { BenchtopError, type ApiError } from '../../../shared/errors';
import { FieldError } from '../../components/FieldError';
import { FormHeader } from '../../components/FormHeader';
import { uiError } from '../../forms/uiErrors';
import { useDatasets, type DatasetRegisterPrefill } from '../../stores/datasets';
import { asApiError, useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { JobProgressParts } from '../models/JobProgress';
import { parseLines } from '../models/modelActions';
import { nameFromBase } from '../models/registryName';
import { useJobRequest } from '../models/useJobRequest';
import { PathsField } from './PathsField';
import { fieldOf, type RegisterField } from './registerErrors';
import { type TabularChoice, choiceFrom, tabularOptions } from './tabularChoice';
import { TabularFields } from './TabularFields';

/** A dataset name from a path: "/data/train.csv" -> "train", "/data/images/" -> "images"; a glob's folder names it. */
function nameFrom(path: string | undefined): string {
  return nameFromBase(
    (path ?? '')
      .replace(/\/+$/, '')
      .split(/[\\/]/)
      .filter((p) => !p.includes('*'))
      .pop() ?? '',
  );
}

const canceled = (err: unknown) => err instanceof BenchtopError && err.code === 'CANCELED';

export function RegisterDatasetView({ prefill }: { prefill: DatasetRegisterPrefill }) {
  const [paths, setPaths] = useState<string[]>(prefill.paths ?? []);
  const [name, setName] = useState(prefill.name ?? '');
  const [nameTouched, setNameTouched] = useState(Boolean(prefill.name));
  const [kind, setKind] = useState<'file' | 'tabular'>(prefill.kind ?? 'file');
  const [tabular, setTabular] = useState<TabularChoice>(choiceFrom(prefill.tabular));
  const [description, setDescription] = useState('');
  const [tagsText, setTagsText] = useState('');
  const [newVersion, setNewVersion] = useState(true);
  const [profileAfter, setProfileAfter] = useState(true);
  const [failure, setFailure] = useState<{ field: RegisterField; error: ApiError } | null>(null);
  const [phase, setPhase] = useState<'register' | 'profile'>('register');
  const { job, busy, run, cancel } = useJobRequest();

  const tags = parseLines(tagsText, 'Tags');
  const table = kind === 'tabular' ? tabularOptions(tabular, paths) : { options: null, error: null };
  const nameError =
    name && !DATASET_NAME_PATTERN.test(name)
      ? 'Use letters, digits, ".", "_" or "-", starting with a letter or a digit (at most 255).'
      : null;
  const ready = Boolean(name && paths.length) && !nameError && !tags.error && !table.error;
  // The registry's error beside its field, in the form's words (its hints name the CLI's flags).
  const errorAt = (field: RegisterField) =>
    failure?.field === field ? (
      <FieldError
        error={{ ...uiError(failure.error, 'registerDataset'), field }}
        field={field}
        form="registerDataset"
      />
    ) : null;

  const changePaths = (next: string[]) => {
    setPaths(next);
    setFailure(null);
    if (!nameTouched) setName(nameFrom(next[0]));
  };

  const register = async () => {
    setFailure(null);
    setPhase('register');
    let registered: RegisteredDataset | null = null;
    await run(async (requestId) => {
      try {
        registered = await client.datasets.register({
          name,
          paths,
          kind,
          tabular: table.options ?? undefined,
          description: description.trim() || undefined,
          tags: tags.values,
          createNewVersion: newVersion,
          requestId,
        });
      } catch (err) {
        if (canceled(err)) useUi.getState().notify('Registration canceled: nothing was registered.');
        else setFailure({ field: fieldOf(asApiError(err), paths), error: asApiError(err) });
      }
    });
    const record = registered as RegisteredDataset | null;
    if (!record) return;
    if (record.kind === 'tabular' && profileAfter && !record.profile) {
      // As `benchtop data register --tabular`: the profile follows; canceling it keeps the version.
      setPhase('profile');
      await run(async (requestId) => {
        try {
          await client.datasets.profile({ name: record.name, version: record.version, requestId });
        } catch (err) {
          if (!canceled(err)) throw err;
        }
      });
    }
    useUi
      .getState()
      .notify(
        record.created
          ? `Registered ${record.name}:${record.version}.`
          : `Identical content: existing version ${record.version} of ${record.name}.`,
      );
    await useDatasets.getState().refresh();
    await useDatasets.getState().select(record.name, record.version);
  };

  return (
    <article className="detail" aria-label="Register dataset">
      <FormHeader title="Register dataset" onClose={() => useDatasets.getState().closeRegister()} busy={busy} />
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) void register();
        }}
      >
        <PathsField paths={paths} onChange={changePaths} />
        {errorAt('paths')}
        <label>
          Name
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
              setFailure(null);
            }}
            aria-invalid={Boolean(nameError) || failure?.field === 'name'}
          />
        </label>
        {nameError ? <div className="field-error">{nameError}</div> : null}
        {errorAt('name')}
        <label className="inline">
          <input type="checkbox" checked={newVersion} onChange={(e) => setNewVersion(e.target.checked)} /> If the name
          exists with other content, register a new version (create_new_version)
        </label>
        <fieldset className="choice-row" role="radiogroup" aria-label="Kind">
          <label className="inline">
            <input type="radio" name="kind" checked={kind === 'file'} onChange={() => setKind('file')} /> File dataset
            (the files as they are)
          </label>
          <label className="inline">
            <input type="radio" name="kind" checked={kind === 'tabular'} onChange={() => setKind('tabular')} /> Tabular
            dataset (rows and columns)
          </label>
        </fieldset>
        {kind === 'tabular' ? (
          <>
            <TabularFields choice={tabular} onChange={setTabular} paths={paths} />
            {table.error ? <div className="field-error">{table.error}</div> : null}
            <label className="inline">
              <input type="checkbox" checked={profileAfter} onChange={(e) => setProfileAfter(e.target.checked)} />{' '}
              Compute the profile after registering (rows, column types, missing, min, max, mean)
            </label>
          </>
        ) : null}
        {errorAt('tabular')}
        <label>
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          Tags (one key=value per line)
          <textarea aria-label="Tags" rows={3} value={tagsText} onChange={(e) => setTagsText(e.target.value)} />
        </label>
        {tags.error ? <div className="field-error">{tags.error}</div> : null}
        {errorAt('form')}
        <div className="row">
          <button type="submit" className="primary" disabled={!ready || busy}>
            Register
          </button>
          {busy ? (
            <>
              <JobProgressParts
                job={job}
                cancel={cancel}
                waiting={phase === 'profile' ? 'Computing the profile...' : 'Starting...'}
                cancelLabel={phase === 'profile' ? 'Cancel profile' : 'Cancel registration'}
              />
            </>
          ) : null}
        </div>
      </form>
    </article>
  );
}
