import { useState } from 'react';
import { SERVICE_NAME_PATTERN } from '../../../shared/api/serviceTypes';
import { useServices } from '../../stores/services';
import { useUi } from '../../stores/ui';
import { client } from '../../transport/client';
import { FieldError, useFieldErrors } from '../../components/FieldError';
import { FormHeader } from '../../components/FormHeader';
import { PathField } from '../../components/PathField';
import { EnvironmentPicker } from './EnvironmentPicker';
import { ModelPicker } from './ModelPicker';
import { ServiceLog } from './ServiceLog';

export function DeployServiceView() {
  const [name, setName] = useState('');
  const [models, setModels] = useState<string[]>([]);
  const [entryScript, setEntryScript] = useState('');
  const [sourceDirectory, setSourceDirectory] = useState('');
  const [environment, setEnvironment] = useState('');
  const [port, setPort] = useState('');
  const [workers, setWorkers] = useState(1);
  const [target, setTarget] = useState<'local' | 'docker'>('local');
  const [deploying, setDeploying] = useState(false);
  const errors = useFieldErrors('deployService');
  // An edit clears the error about that field (the user is answering it).
  const edit =
    <T,>(field: string, set: (v: T) => void) =>
    (v: T) => {
      set(v);
      errors.edited(field);
    };
  const nameError =
    name && (!SERVICE_NAME_PATTERN.test(name) || name.length < 3 || name.length > 32)
      ? 'Use 3 to 32 lower-case letters, digits and "-", starting with a letter.'
      : null;
  const portError =
    port && !(Number.isInteger(Number(port)) && Number(port) >= 1 && Number(port) <= 65535)
      ? 'A port is a whole number from 1 to 65535 (leave it empty for a free one).'
      : null;
  const ready = Boolean(name) && !nameError && !portError && models.length > 0;
  const deploy = async () => {
    setDeploying(true);
    try {
      const service = await client.services.deploy({
        name,
        models,
        entryScript: entryScript.trim() || undefined,
        sourceDirectory: sourceDirectory.trim() || undefined,
        environment: environment || undefined,
        port: port ? Number(port) : undefined,
        workers,
        target,
      });
      errors.clear();
      useUi.getState().notify(`${service.name} is running at ${service.scoringUri}`);
      await useServices.getState().refresh();
      useServices.getState().select(service.name);
    } catch (err) {
      errors.fail(err);
      await useServices.getState().refresh();
    } finally {
      setDeploying(false);
    }
  };
  return (
    <article className="detail" aria-label="Deploy service">
      <FormHeader
        title="Deploy a local web service"
        onClose={() => useServices.getState().openDeploy(false)}
        busy={deploying}
      />
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void deploy();
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(e) => edit('name', setName)(e.target.value)}
            placeholder="iris-svc"
            aria-invalid={Boolean(nameError) || errors.error?.field === 'name'}
          />
        </label>
        {nameError ? <div className="field-error">{nameError}</div> : null}
        <FieldError error={errors.error} field="name" form="deployService" />
        <ModelPicker value={models} onChange={edit('models', setModels)} />
        <FieldError error={errors.error} field="models" form="deployService" />
        <PathField
          label="Entry script (score.py with init() and run(); empty for a no-code deployment of a scikit-learn or MLflow model)"
          value={entryScript}
          onChange={edit('entryScript', setEntryScript)}
          kinds={['file']}
          placeholder="score.py, or /path/to/score.py"
        />
        <FieldError error={errors.error} field="entryScript" form="deployService" />
        <PathField
          label="Source folder (copied with the script; the script's path is relative to it)"
          value={sourceDirectory}
          onChange={edit('sourceDirectory', setSourceDirectory)}
          kinds={['folder']}
          placeholder="/path/to/project"
        />
        <FieldError error={errors.error} field="sourceDirectory" form="deployService" />
        <EnvironmentPicker
          value={environment}
          onChange={edit('environment', setEnvironment)}
          placeholder="Default (Benchtop-Minimal; no-code: Benchtop-SKLearn, or one made from the MLflow model's requirements)"
        />
        <FieldError error={errors.error} field="environment" form="deployService" />
        <div className="row">
          <label>
            Port
            <input
              value={port}
              onChange={(e) => edit('port', setPort)(e.target.value)}
              placeholder="a free one"
              inputMode="numeric"
            />
          </label>
          <label>
            Workers
            <input
              type="number"
              min={1}
              max={64}
              value={workers}
              onChange={(e) => setWorkers(Number(e.target.value))}
            />
          </label>
          <label>
            Serve from
            <select
              aria-label="Serve from"
              value={target}
              onChange={(e) => setTarget(e.target.value as 'local' | 'docker')}
            >
              <option value="local">A local process</option>
              <option value="docker">A Docker container</option>
            </select>
          </label>
        </div>
        {portError ? <div className="field-error">{portError}</div> : null}
        <FieldError error={errors.error} field="port" form="deployService" />
        <div className="row">
          <button type="submit" className="primary" disabled={!ready || deploying}>
            {deploying ? 'Deploying…' : 'Deploy'}
          </button>
          {deploying ? (
            <span role="status">Building or reusing the environment, starting the server, waiting for GET / …</span>
          ) : null}
        </div>
        <div className="form-message">
          <FieldError error={errors.error} field="form" form="deployService" />
        </div>
      </form>
      {deploying && name ? (
        <>
          <h3>Log</h3>
          <ServiceLog name={name} />
        </>
      ) : null}
    </article>
  );
}
