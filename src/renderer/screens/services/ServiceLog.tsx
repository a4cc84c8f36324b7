import { useMemo } from 'react';
import { LogView, polledSource } from '../../components/LogView';
import { client } from '../../transport/client';

/**
 * The service's log (start-up, init() output, access lines, tracebacks), followed live.
 * The core offers it by offset only, so it is polled; "Latest error" puts the newest
 * traceback (the one behind a 500) at the top of the view in one click.
 */
export function ServiceLog({ name }: { name: string }) {
  const source = useMemo(
    () => polledSource(`service:${name}`, (offset) => client.services.logs({ name, offset })),
    [name],
  );
  return <LogView source={source} label="Service log" latestError />;
}
