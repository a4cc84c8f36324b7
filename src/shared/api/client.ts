import { BenchtopError, type Result } from '../errors';
import {
  CALL_NAMES,
  type CallInput,
  type CallName,
  type CallOutput,
  type EventName,
  type EventPayload,
} from './contract';

type DomainOf<N> = N extends `${infer D}.${string}` ? D : never;
type MethodOf<N, D extends string> = N extends `${D}.${infer M}` ? M : never;

/** `client.environments.list({})`: the domain-shaped client both transports expose. */
export type DomainClient = {
  [D in DomainOf<CallName>]: {
    [M in MethodOf<CallName, D>]: Extract<CallName, `${D}.${M}`> extends infer N extends CallName
      ? (input: CallInput<N>) => Promise<CallOutput<N>>
      : never;
  };
};

export type Unsubscribe = () => void;
export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
}
export type BenchtopClient = DomainClient & EventSource;

export type RawInvoke = (name: CallName, input: unknown) => Promise<Result<unknown>>;

/** Builds the domain-shaped client over any transport that can send one call. */
export function createDomainClient(invoke: RawInvoke): DomainClient {
  const client: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const name of CALL_NAMES) {
    const [domain, method] = name.split('.') as [string, string];
    client[domain] ??= {};
    client[domain][method] = async (input: unknown) => {
      const result = await invoke(name, input ?? {});
      if (!result.ok) throw BenchtopError.from(result.error);
      return result.value;
    };
  }
  return client as unknown as DomainClient;
}
