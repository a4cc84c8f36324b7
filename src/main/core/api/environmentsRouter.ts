import { parseDefinitionText } from '../../../shared/environments/parse';
import { scaffoldDefinition } from '../../../shared/environments/definition';
import { saveEnvironmentFolder } from '../environments/environmentFiles';
import { defaultPythonVersion } from '../python/interpreters';
import type { Router } from './router';
import path from 'node:path';
import { makeWheelhouse } from '../wheels/wheelhouse';

export const environmentsRouter: Router<
  | 'environments.list'
  | 'environments.versions'
  | 'environments.get'
  | 'environments.scaffold'
  | 'environments.register'
  | 'environments.registerText'
  | 'environments.validateText'
  | 'environments.download'
  | 'environments.wheelhouse'
> = {
  'environments.list': (input, _ctx, core) => core.environments.list(input),
  'environments.versions': (input, _ctx, core) => core.environments.versions(input.name),
  'environments.get': (input, _ctx, core) => core.environments.get(input.name, input.version),
  'environments.scaffold': async (input) => scaffoldDefinition(input.name, await defaultPythonVersion()),
  'environments.register': (input, _ctx, core) => core.environments.register(input.definition),
  'environments.registerText': (input, _ctx, core) =>
    core.environments.register(parseDefinitionText(input.text, input.format)),
  'environments.validateText': (input, _ctx, core) => {
    const definition = parseDefinitionText(input.text, input.format);
    return { definition, buildKey: core.builds.keyFor(definition).buildKey };
  },
  'environments.download': (input, _ctx, core) => {
    const record = core.environments.get(input.name, input.version);
    const directory = path.resolve(input.directory);
    const files = saveEnvironmentFolder(record.definition, directory, input.overwrite ?? false);
    return { directory, files };
  },
  'environments.wheelhouse': (input, _ctx, core) => makeWheelhouse(core, input),
};
