import { useEffect, useRef, useState } from 'react';
import { client } from '../../transport/client';

/** The service's log, followed live (start-up, init() output, access lines, tracebacks). */
export function ServiceLog({ name }: { name: string }) {
  const [text, setText] = useState('');
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    let offset: number | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const next = await client.services.logs({ name, offset });
        offset = next.offset;
        if (next.text && !stopped) setText((t) => (t + next.text).slice(-400_000));
      } catch {
        // Deleted or not created yet: try again on the next tick.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 400);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [name]);
  useEffect(() => {
    const el = box.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <pre ref={box} className="code service-log" aria-label="Service log" tabIndex={0}>
      {text || 'No output yet.'}
    </pre>
  );
}
